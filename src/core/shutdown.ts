/**
 * `gracefulShutdown`: the SIGTERM timeline that lets a rollout drop no request — fail
 * readiness, keep serving while the endpoints drop the pod, stop accepting, drain what is
 * in flight, destroy the rest, run the app's hooks, exit.
 */
import { constants as osConstants } from 'node:os';
import { InvalidOptionError } from './errors.js';
import { log, toLogger, type Logger } from './logger.js';
import { describe, expectKnownKeys, expectNonNegativeNumber, expectPositiveNumber, resolveOptions } from './options.js';
import type { Probes } from './probes.js';
import { toReason } from './reason.js';
import { sleep, within } from './internal/_deadline.js';
import { expectProbes, toHooks, toSignals, warnIfOverBudget } from './internal/_shutdown-options.js';
import { toShutdownTarget, type ShutdownTarget } from './internal/_shutdown-target.js';

/** A cleanup step run after the server has closed; its signal aborts at `hookTimeoutMs`. */
export type ShutdownHook = (signal: AbortSignal) => unknown;

/**
 * What {@link gracefulShutdown} stops: a node:http(s) server (also what Express, Koa and
 * Hono's node server give), a Fastify instance, any object with `close()` (awaited, or
 * given a callback if it takes one), or `null` for a worker with no server.
 */
export type ShutdownServer = { close(...args: never[]): unknown } | null;

/** Options of {@link gracefulShutdown}. */
export interface ShutdownOptions {
  /** The probes whose readiness fails at the first signal and which are closed at the end. @defaultValue none */
  readonly probes?: Pick<Probes, 'drain' | 'close'>;
  /** How long the server keeps serving after readiness fails, so the endpoints drop the pod first. @defaultValue `DEFAULTS.delayMs` (5000) */
  readonly delayMs?: number;
  /** How long requests in flight may take once the server stops accepting; then they are destroyed. @defaultValue `DEFAULTS.timeoutMs` (20000: with `delayMs` and one hook it fills the default 30 s grace period) */
  readonly timeoutMs?: number;
  /** Bound of each `onShutdown` hook (and of `probes.close()`, and of Fastify's onClose hooks). @defaultValue `DEFAULTS.hookTimeoutMs` (5000) */
  readonly hookTimeoutMs?: number;
  /** Cleanup run in order after the server has closed: `() => pool.end()`. @defaultValue none */
  readonly onShutdown?: ShutdownHook | readonly ShutdownHook[];
  /** Signals that start the shutdown; `[]` leaves it to `controller.shutdown()`. @defaultValue `['SIGTERM', 'SIGINT']` */
  readonly signals?: readonly NodeJS.Signals[];
  /** The pod's `terminationGracePeriodSeconds` × 1000, minus any preStop time; a longer budget is warned about at start. @defaultValue `DEFAULTS.gracePeriodMs` (30000) */
  readonly gracePeriodMs?: number;
  /** Where the phases are logged, one line each (`console`, pino). @defaultValue false (silent) */
  readonly logger?: Logger | false;
  /** Called with the exit code at the end; `false` leaves the exit to the caller (read `done`). @defaultValue `process.exit` */
  readonly exit?: ((code: number) => void) | false;
}

/** The handle {@link gracefulShutdown} returns. */
export interface ShutdownController {
  /** Starts the shutdown as a signal would (idempotent) and resolves to the exit code. */
  shutdown(reason?: string): Promise<number>;
  /** Resolves to the exit code once the shutdown has ended: 0, 1, or 128 + signal number after a second signal. */
  readonly done: Promise<number>;
  /** Removes the signal listeners (done automatically when the shutdown ends). */
  dispose(): void;
}

/** Defaults of {@link ShutdownOptions}, in one place. */
export const DEFAULTS = {
  probes: undefined as Pick<Probes, 'drain' | 'close'> | undefined,
  delayMs: 5000,
  timeoutMs: 20_000,
  hookTimeoutMs: 5000,
  onShutdown: [] as ShutdownHook | readonly ShutdownHook[],
  signals: ['SIGTERM', 'SIGINT'] as readonly NodeJS.Signals[],
  gracePeriodMs: 30_000,
  logger: false as Logger | false,
  exit: exitProcess as ((code: number) => void) | false,
};

/**
 * Shuts the app down gracefully on SIGTERM: readiness fails at once (liveness does not),
 * every response from then on carries `Connection: close`, the server keeps serving for
 * `delayMs`, then stops accepting, closes idle connections, waits up to `timeoutMs` for
 * requests in flight, destroys what is left, runs the `onShutdown` hooks, closes the
 * probes and exits 0 — or 1 if it destroyed connections or a hook failed or timed out.
 *
 * Kubernetes removes a terminating pod from its Service's endpoints at the same time as it
 * sends SIGTERM, and proxies learn of it a little later: serving on during `delayMs` is
 * what keeps requests routed in that window from failing. A second signal exits at once
 * with 128 + its number (143 for SIGTERM). `delayMs + timeoutMs + hooks × hookTimeoutMs`
 * must fit in `gracePeriodMs`, or Kubernetes SIGKILLs the pod first: that is warned about
 * at start, through `logger` or, without one, `process.emitWarning`.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`, a `TypeError`) for a server of
 * no supported kind, an unknown option, a bad duration, signal name, hook, logger or exit.
 *
 * @example
 * ```ts
 * import http from 'node:http';
 * import { createProbes, gracefulShutdown } from 'shipshape';
 * import { withProbes } from 'shipshape/node';
 *
 * const pool = { end: async () => {} };
 * const probes = createProbes();
 * const server = http.createServer(withProbes(probes, (req, res) => res.end('hello'))).listen(3000);
 * gracefulShutdown(server, { probes, delayMs: 5000, timeoutMs: 20_000, onShutdown: [() => pool.end()], logger: console });
 * ```
 */
export function gracefulShutdown(server: ShutdownServer, options: ShutdownOptions = {}): ShutdownController {
  expectKnownKeys('options', options, Object.keys(DEFAULTS));
  const settings = resolveOptions(DEFAULTS, options);
  expectNonNegativeNumber('delayMs', settings.delayMs);
  expectPositiveNumber('timeoutMs', settings.timeoutMs);
  expectPositiveNumber('hookTimeoutMs', settings.hookTimeoutMs);
  expectPositiveNumber('gracePeriodMs', settings.gracePeriodMs);
  const hooks = toHooks(settings.onShutdown);
  const signals = toSignals(settings.signals);
  expectProbes(settings.probes);
  if (settings.exit !== false && typeof settings.exit !== 'function') {
    throw new InvalidOptionError(`Expected \`exit\` to be a function (code) => void or false, got ${describe(settings.exit)}`);
  }
  const logger = toLogger('logger', settings.logger);
  const target = toShutdownTarget(server);
  warnIfOverBudget(settings.delayMs + settings.timeoutMs + hooks.length * settings.hookTimeoutMs, settings.gracePeriodMs, hooks.length, logger);
  return new Shutdown(target, settings, hooks, signals, logger);
}

// --- internal ---

type Settings = Readonly<typeof DEFAULTS>;

function exitProcess(code: number): void {
  process.exit(code);
}

class Shutdown implements ShutdownController {
  readonly done: Promise<number>;
  readonly #target: ShutdownTarget;
  readonly #settings: Settings;
  readonly #hooks: readonly ShutdownHook[];
  readonly #logger: Logger | undefined;
  readonly #listeners = new Map<NodeJS.Signals, () => void>();
  #resolve!: (code: number) => void;
  #running: Promise<void> | undefined;
  #ended = false;

  constructor(target: ShutdownTarget, settings: Settings, hooks: readonly ShutdownHook[], signals: readonly NodeJS.Signals[], logger: Logger | undefined) {
    this.#target = target;
    this.#settings = settings;
    this.#hooks = hooks;
    this.#logger = logger;
    this.done = new Promise((resolve) => (this.#resolve = resolve));
    for (const signal of new Set(signals)) {
      const listener = (): void => this.#onSignal(signal);
      this.#listeners.set(signal, listener);
      process.on(signal, listener);
    }
    this.shutdown = this.shutdown.bind(this);
    this.dispose = this.dispose.bind(this);
  }

  shutdown(reason = 'shutdown()'): Promise<number> {
    this.#running ??= this.#run(reason).then(
      (code) => this.#end(code),
      (error: unknown) => {
        log(this.#logger, 'error', `shutdown: failed: ${toReason(error)}`);
        this.#end(1);
      },
    );
    return this.done;
  }

  dispose(): void {
    for (const [signal, listener] of this.#listeners) process.removeListener(signal, listener);
    this.#listeners.clear();
  }

  #onSignal(signal: NodeJS.Signals): void {
    if (!this.#running) {
      void this.shutdown(signal);
      return;
    }
    // the operator (or the kubelet after the grace period, via SIGKILL) wants out now
    const code = 128 + (osConstants.signals[signal] ?? 0);
    log(this.#logger, 'warn', `shutdown: second signal ${signal}: exiting now with ${code}`);
    this.#end(code);
  }

  #end(code: number): void {
    if (this.#ended) return;
    this.#ended = true;
    this.dispose();
    this.#target.dispose();
    this.#resolve(code);
    if (this.#settings.exit) this.#settings.exit(code);
  }

  async #run(reason: string): Promise<number> {
    const { probes, delayMs, timeoutMs, hookTimeoutMs } = this.#settings;
    const target = this.#target;
    const started = performance.now();
    let failed = false;
    probes?.drain();
    target.drain();
    this.#log('info', `shutdown: ${reason}: readiness fails; ${target.label} keeps serving for ${delayMs} ms`);
    await sleep(delayMs);

    const inFlight = target.stop();
    this.#log('info', `shutdown: stopped accepting; waiting up to ${timeoutMs} ms for ${inFlight} request(s) in flight`);
    const closed = await within(target.settled(), timeoutMs);
    if (closed.outcome !== 'done') {
      failed = true;
      const destroyed = target.destroy();
      if (closed.outcome === 'timeout') this.#log('warn', `shutdown: ${target.label} still open after ${timeoutMs} ms: destroyed ${destroyed} connection(s)`);
      else this.#log('error', `shutdown: closing the ${target.label} failed: ${toReason(closed.error)}`);
    }
    failed = !this.#report('Fastify onClose hooks', await within(target.finish(), hookTimeoutMs)) || failed;

    if (this.#hooks.length > 0) this.#log('info', `shutdown: running ${this.#hooks.length} onShutdown hook(s)`);
    for (const [index, hook] of this.#hooks.entries()) {
      failed = !this.#report(hookLabel(hook, index), await within(hook, hookTimeoutMs)) || failed;
    }
    if (probes) failed = !this.#report('probes.close()', await within(probes.close(), hookTimeoutMs)) || failed;

    const code = failed ? 1 : 0;
    this.#log(failed ? 'warn' : 'info', `shutdown: done in ${Math.round(performance.now() - started)} ms, exit code ${code}`);
    return code;
  }

  #report(what: string, settled: Awaited<ReturnType<typeof within>>): boolean {
    if (settled.outcome === 'timeout') this.#log('error', `shutdown: ${what} timed out after ${this.#settings.hookTimeoutMs} ms`);
    else if (settled.outcome === 'failed') this.#log('error', `shutdown: ${what} failed: ${toReason(settled.error)}`);
    return settled.outcome === 'done';
  }

  #log(level: 'info' | 'warn' | 'error', message: string): void {
    if (!this.#ended) log(this.#logger, level, message);
  }
}

/** `onShutdown hook #2 (closePool)`; an arrow in the options is named `onShutdown` by JS, which says nothing. */
function hookLabel(hook: ShutdownHook, index: number): string {
  return hook.name && hook.name !== 'onShutdown' ? `onShutdown hook #${index + 1} (${hook.name})` : `onShutdown hook #${index + 1}`;
}
