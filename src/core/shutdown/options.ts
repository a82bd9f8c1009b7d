/**
 * The options of `gracefulShutdown`: their types, their defaults (once, here; `doctor`
 * reads them too), their validation, and the warning when they outlast the pod's grace
 * period.
 */
import { InvalidOptionError } from '../errors.js';
import { log, toLogger, type Logger } from '../logger.js';
import { describe, expectKnownKeys, expectNonNegativeNumber, expectPositiveNumber, resolveOptions } from '../options.js';
import type { Probes } from '../probes.js';
import type { BunServerLike } from './targets/bun.js';
import type { DenoServerLike } from './targets/deno.js';
import type { GrpcServerShutdownLike } from './targets/grpc.js';
import { toWebSocketServers, type ShutdownWebSocketServer } from './websockets.js';

/** A cleanup step run after the server has closed; its signal aborts at `hookTimeoutMs`. */
export type ShutdownHook = (signal: AbortSignal) => unknown;

/**
 * What `gracefulShutdown` stops: a node:http(s) server (also what Express, Koa and
 * Hono's node server give), a node:http2 server, a Fastify instance, a `Bun.serve()` or
 * `Deno.serve()` server, a `@grpc/grpc-js` `Server`, any object with `close()` (awaited, or given a callback if it takes
 * one), or `null` for a worker with no server. Several go in an array.
 */
export type ShutdownServer = { close(...args: never[]): unknown } | BunServerLike | DenoServerLike | GrpcServerShutdownLike | null;

export type { ShutdownWebSocketServer } from './websockets.js';

/** Options of `gracefulShutdown`. */
export interface ShutdownOptions {
  /** The probes whose readiness fails at the first signal and which are closed at the end. @defaultValue none */
  readonly probes?: Pick<Probes, 'drain' | 'close'>;
  /** How long the server keeps serving after readiness fails, so the endpoints drop the pod first. @defaultValue `DEFAULTS.delayMs` */
  readonly delayMs?: number;
  /** How long requests in flight may take once the server stops accepting; then they are destroyed. @defaultValue `DEFAULTS.timeoutMs` (with `delayMs` and one hook it fills the default grace period) */
  readonly timeoutMs?: number;
  /** Bound of each `onShutdown` hook (and of `probes.close()`, and of the server's own close hooks, Fastify's onClose). @defaultValue `DEFAULTS.hookTimeoutMs` */
  readonly hookTimeoutMs?: number;
  /** Cleanup run in order after the server has closed: `() => pool.end()`. @defaultValue none */
  readonly onShutdown?: ShutdownHook | readonly ShutdownHook[];
  /**
   * `ws` `WebSocketServer`s and socket.io `Server`s (one or an array): when the servers stop
   * accepting, their clients are closed with 1001 "going away" (socket.io's at the transport,
   * so they reconnect by themselves) and shutdown waits for them within `timeoutMs`.
   * @defaultValue none
   */
  readonly websockets?: ShutdownWebSocketServer | readonly ShutdownWebSocketServer[];
  /** Signals that start the shutdown; `[]` leaves it to `controller.shutdown()`. @defaultValue `DEFAULTS.signals` */
  readonly signals?: readonly NodeJS.Signals[];
  /** The pod's `terminationGracePeriodSeconds` × 1000, minus any preStop time; a longer budget is warned about at start. @defaultValue `DEFAULTS.gracePeriodMs` (Kubernetes' default 30 s) */
  readonly gracePeriodMs?: number;
  /** Where the phases are logged, one line each (`console`, pino). @defaultValue false (silent) */
  readonly logger?: Logger | false;
  /** Called with the exit code at the end; `false` leaves the exit to the caller (read `done`). @defaultValue `process.exit` */
  readonly exit?: ((code: number) => void) | false;
}

/** Defaults of {@link ShutdownOptions}, in one place. */
export const DEFAULTS = {
  probes: undefined as Pick<Probes, 'drain' | 'close'> | undefined,
  delayMs: 5000,
  timeoutMs: 20_000,
  hookTimeoutMs: 5000,
  onShutdown: [] as ShutdownHook | readonly ShutdownHook[],
  websockets: [] as ShutdownWebSocketServer | readonly ShutdownWebSocketServer[],
  signals: ['SIGTERM', 'SIGINT'] as readonly NodeJS.Signals[],
  gracePeriodMs: 30_000,
  logger: false as Logger | false,
  exit: exitProcess as ((code: number) => void) | false,
};

/** The options as the shutdown sequence uses them: validated, hooks and signals as lists, the logger resolved. */
export interface ShutdownSettings {
  readonly probes: Pick<Probes, 'drain' | 'close'> | undefined;
  readonly delayMs: number;
  readonly timeoutMs: number;
  readonly hookTimeoutMs: number;
  readonly hooks: readonly ShutdownHook[];
  /** The `websockets` servers, as a list. */
  readonly websockets: readonly object[];
  readonly signals: readonly NodeJS.Signals[];
  readonly gracePeriodMs: number;
  readonly logger: Logger | undefined;
  readonly exit: ((code: number) => void) | false;
}

/**
 * Validates `options` over {@link DEFAULTS}.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) for an unknown option, a bad
 * duration, signal name, hook, probes, WebSocket server, logger or exit.
 */
export function resolveShutdownOptions(options: ShutdownOptions): ShutdownSettings {
  expectKnownKeys('options', options, Object.keys(DEFAULTS));
  const settings = resolveOptions(DEFAULTS, options);
  expectNonNegativeNumber('delayMs', settings.delayMs);
  expectPositiveNumber('timeoutMs', settings.timeoutMs);
  expectPositiveNumber('hookTimeoutMs', settings.hookTimeoutMs);
  expectPositiveNumber('gracePeriodMs', settings.gracePeriodMs);
  expectProbes(settings.probes);
  if (settings.exit !== false && typeof settings.exit !== 'function') {
    throw new InvalidOptionError(`Expected \`exit\` to be a function (code) => void or false, got ${describe(settings.exit)}`);
  }
  return Object.freeze({
    probes: settings.probes,
    delayMs: settings.delayMs,
    timeoutMs: settings.timeoutMs,
    hookTimeoutMs: settings.hookTimeoutMs,
    hooks: toHooks(settings.onShutdown),
    websockets: toWebSocketServers(settings.websockets),
    signals: toSignals(settings.signals),
    gracePeriodMs: settings.gracePeriodMs,
    logger: toLogger('logger', settings.logger),
    exit: settings.exit,
  });
}

/** The longest the shutdown may take: `delayMs + timeoutMs + hooks × hookTimeoutMs`. */
export function shutdownBudgetMs(settings: Pick<ShutdownSettings, 'delayMs' | 'timeoutMs' | 'hookTimeoutMs' | 'hooks'>): number {
  return settings.delayMs + settings.timeoutMs + settings.hooks.length * settings.hookTimeoutMs;
}

/**
 * Warns when the shutdown may outlast the pod's grace period: through the logger, or
 * `process.emitWarning` when there is none (printed on stderr by default, so it is never lost).
 */
export function warnIfOverBudget(settings: ShutdownSettings): void {
  const budgetMs = shutdownBudgetMs(settings);
  if (budgetMs <= settings.gracePeriodMs) return;
  const message =
    `shutdown: delayMs + timeoutMs + ${settings.hooks.length} × hookTimeoutMs = ${budgetMs} ms exceeds gracePeriodMs ${settings.gracePeriodMs} ms: ` +
    'Kubernetes would SIGKILL the pod before shutdown ends (raise terminationGracePeriodSeconds or lower the timeouts)';
  if (settings.logger) log(settings.logger, 'warn', message);
  else process.emitWarning(message, { type: 'ShipshapeWarning', code: 'SHIPSHAPE_GRACE_PERIOD' });
}

// --- internal ---

function exitProcess(code: number): void {
  process.exit(code);
}

/** `onShutdown`: a function or an array of functions, copied. */
function toHooks(value: unknown): readonly ShutdownHook[] {
  const hooks = typeof value === 'function' ? [value] : value;
  if (!Array.isArray(hooks) || !hooks.every((hook) => typeof hook === 'function')) {
    throw new InvalidOptionError(`Expected \`onShutdown\` to be a function or an array of functions, got ${describe(value)}`);
  }
  return [...(hooks as ShutdownHook[])];
}

/** `signals`: names node knows, except the two that cannot be caught. */
function toSignals(value: unknown): readonly NodeJS.Signals[] {
  if (!Array.isArray(value)) throw new InvalidOptionError(`Expected \`signals\` to be an array of signal names, got ${describe(value)}`);
  for (const signal of value) {
    // SIGKILL and SIGSTOP cannot be caught (signal(7))
    if (typeof signal !== 'string' || !Object.hasOwn(process.getBuiltinModule('node:os').constants.signals, signal) || signal === 'SIGKILL' || signal === 'SIGSTOP') {
      throw new InvalidOptionError(`Expected \`signals\` to hold signal names such as "SIGTERM" (not SIGKILL or SIGSTOP), got ${describe(signal)}`);
    }
  }
  return value as NodeJS.Signals[];
}

/** `probes`: anything with `drain()` and `close()`. */
function expectProbes(value: unknown): void {
  const probes = value as { drain?: unknown; close?: unknown } | undefined;
  if (probes === undefined || (typeof probes === 'object' && probes !== null && typeof probes.drain === 'function' && typeof probes.close === 'function')) return;
  throw new InvalidOptionError(`Expected \`probes\` to be a createProbes() result (with drain() and close()), got ${describe(value)}`);
}
