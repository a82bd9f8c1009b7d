/**
 * Validation of `gracefulShutdown`'s options beyond the shared `expect*` helpers, and
 * the grace-period warning.
 */
import { constants as osConstants } from 'node:os';
import { InvalidOptionError } from '../errors.js';
import { log, type Logger } from '../logger.js';
import { describe } from '../options.js';

/** A shutdown hook, as `shutdown.ts` declares it. */
type Hook = (signal: AbortSignal) => unknown;

/** `onShutdown`: a function or an array of functions, copied. */
export function toHooks(value: unknown): readonly Hook[] {
  const hooks = typeof value === 'function' ? [value] : value;
  if (!Array.isArray(hooks) || !hooks.every((hook) => typeof hook === 'function')) {
    throw new InvalidOptionError(`Expected \`onShutdown\` to be a function or an array of functions, got ${describe(value)}`);
  }
  return [...(hooks as Hook[])];
}

/** `signals`: names node knows, except the two that cannot be caught. */
export function toSignals(value: unknown): readonly NodeJS.Signals[] {
  if (!Array.isArray(value)) throw new InvalidOptionError(`Expected \`signals\` to be an array of signal names, got ${describe(value)}`);
  for (const signal of value) {
    // SIGKILL and SIGSTOP cannot be caught (signal(7))
    if (typeof signal !== 'string' || !Object.hasOwn(osConstants.signals, signal) || signal === 'SIGKILL' || signal === 'SIGSTOP') {
      throw new InvalidOptionError(`Expected \`signals\` to hold signal names such as "SIGTERM" (not SIGKILL or SIGSTOP), got ${describe(signal)}`);
    }
  }
  return value as NodeJS.Signals[];
}

/** `probes`: anything with `drain()` and `close()`. */
export function expectProbes(value: unknown): void {
  const probes = value as { drain?: unknown; close?: unknown } | undefined;
  if (probes === undefined || (typeof probes === 'object' && probes !== null && typeof probes.drain === 'function' && typeof probes.close === 'function')) return;
  throw new InvalidOptionError(`Expected \`probes\` to be a createProbes() result (with drain() and close()), got ${describe(value)}`);
}

/**
 * Warns when the shutdown may outlast the pod's grace period: through the logger, or
 * `process.emitWarning` when there is none (printed on stderr by default, so it is never lost).
 */
export function warnIfOverBudget(budgetMs: number, gracePeriodMs: number, hooks: number, logger: Logger | undefined): void {
  if (budgetMs <= gracePeriodMs) return;
  const message =
    `shutdown: delayMs + timeoutMs + ${hooks} × hookTimeoutMs = ${budgetMs} ms exceeds gracePeriodMs ${gracePeriodMs} ms: ` +
    'Kubernetes would SIGKILL the pod before shutdown ends (raise terminationGracePeriodSeconds or lower the timeouts)';
  if (logger) log(logger, 'warn', message);
  else process.emitWarning(message, { type: 'ShipshapeWarning', code: 'SHIPSHAPE_GRACE_PERIOD' });
}
