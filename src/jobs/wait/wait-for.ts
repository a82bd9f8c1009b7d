/**
 * `waitFor(targets, options)`: the job of `shipshape wait4` and `wait4db` as a function.
 * Every target is tried in parallel, each with its own stability window (`loop.ts`), and
 * every connection is closed before it settles.
 */
import { InvalidOptionError, WaitTimeoutError, type WaitFailure } from '../../core/errors.js';
import { describe, expectKnownKeys, expectPositiveNumber, resolveOptions } from '../../core/options.js';
import { openTarget, type Attempts } from './attempt.js';
import { waitForOne, type WaitContext, type WaitProgress, type WaitResult } from './loop.js';
import { parseTarget, TARGET_FORMS } from './targets.js';

/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this long (`Infinity`: never). @defaultValue `DEFAULTS.timeoutMs` (180 s) */
  readonly timeoutMs?: number;
  /** How long each target must keep answering; any failure starts its window again. @defaultValue `DEFAULTS.stableMs` (5 s) */
  readonly stableMs?: number;
  /** Time between two attempts at a target; each attempt may take as long (at least 1 s, at most 5 s). @defaultValue `DEFAULTS.intervalMs` (1 s) */
  readonly intervalMs?: number;
  /** Stops the wait: it rejects with the signal's reason, every connection closed. */
  readonly signal?: AbortSignal | undefined;
  /** Hears every attempt and each target that becomes ready (the lines `wait4` prints). */
  readonly onProgress?: ((event: WaitProgress) => void) | undefined;
}

/** The defaults of {@link WaitOptions} (SPEC §5: `--timeout 180 --stable 5 --interval 1`). */
export const DEFAULTS: { readonly timeoutMs: number; readonly stableMs: number; readonly intervalMs: number } = { timeoutMs: 180_000, stableMs: 5_000, intervalMs: 1_000 };

/**
 * Waits until every target answers, and keeps answering for `stableMs`: databases
 * (`SELECT 1`), Redis (`PING`), memcached, RabbitMQ, NATS and MQTT brokers, TCP ports and
 * HTTP endpoints, in parallel. For a Kubernetes init container, a test set-up, or an app
 * that should not start before its dependencies do. `localhost` is tried as both 127.0.0.1 and ::1. Each attempt is bounded
 * (by the interval, at least 1 s, at most 5 s), so a blackholed target cannot stall it;
 * targets are named with their credentials redacted, and no message echoes a password.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) for a target that is not one of the
 *   accepted URLs, or a bad option, before anything is tried.
 * @throws DriverMissingError (`SHIPSHAPE_DRIVER_MISSING`) when a target's driver (`pg`,
 *   `mysql2`, `amqplib`, `nats`, `mqtt`) is not installed.
 * @throws WaitTimeoutError (`SHIPSHAPE_WAIT_TIMEOUT`) at `timeoutMs`, naming each target still
 *   failing with its last cause. An aborted `signal` rejects with its reason.
 *
 * @example
 * ```ts
 * import { waitFor } from 'shipshape/jobs';
 *
 * await waitFor(['postgres://postgres@127.0.0.1:5432/test', 'redis://127.0.0.1:6379'], {
 *   timeoutMs: 30_000,
 *   stableMs: 1000,
 *   onProgress: (event) => { if (event.type === 'failed') console.log(`${event.target}: ${event.cause}`); },
 * });
 * ```
 */
export async function waitFor(targets: readonly string[], options: WaitOptions = {}): Promise<void> {
  expectKnownKeys('options', options, [...Object.keys(DEFAULTS), 'signal', 'onProgress']);
  if (!Array.isArray(targets) || targets.length === 0) throw new InvalidOptionError(`Expected \`targets\` to be a non-empty array of URLs (${TARGET_FORMS}), got ${describe(targets)}`);
  const settings = resolveOptions(DEFAULTS, options);
  for (const name of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) expectPositiveNumber(name, settings[name]);
  if (settings.stableMs >= settings.timeoutMs) {
    throw new InvalidOptionError(`Expected \`stableMs\` (${settings.stableMs}) to be shorter than \`timeoutMs\` (${settings.timeoutMs}): nothing could be stable in time`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new InvalidOptionError(`Expected \`signal\` to be an AbortSignal, got ${describe(options.signal)}`);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new InvalidOptionError(`Expected \`onProgress\` to be a function, got ${describe(options.onProgress)}`);
  const parsed = targets.map((target, index) => parseTarget(target, `targets[${index}]`));
  const caller = options.signal;
  caller?.throwIfAborted();
  const stop = new AbortController();
  const stopOnAbort = (): void => stop.abort(caller?.reason);
  caller?.addEventListener('abort', stopOnAbort, { once: true });
  const opened: Attempts[] = [];
  try {
    for (const target of parsed) opened.push(await openTarget(target));
    caller?.throwIfAborted();
    // The clock starts once the drivers are imported: like Node's own start-up, that is
    // not waiting, and the first attempt must always have its full bound.
    const started = performance.now();
    const onProgress = options.onProgress ?? (() => {});
    const context: WaitContext = { ...settings, started, deadline: started + settings.timeoutMs, stop: stop.signal, onProgress };
    const outcomes = await Promise.allSettled(
      parsed.map(async (target, index) => {
        try {
          return await waitForOne(target, opened[index]!, context);
        } catch (error) {
          stop.abort(error);
          throw error;
        } finally {
          // a stable target frees its connection at once, while the others still wait
          await opened[index]!.close();
        }
      }),
    );
    const fatal = outcomes.find((outcome) => outcome.status === 'rejected');
    if (fatal) throw fatal.reason;
    caller?.throwIfAborted();
    const failures: WaitFailure[] = [];
    for (const [index, outcome] of outcomes.entries()) {
      const { ready, attempts, cause } = (outcome as PromiseFulfilledResult<WaitResult>).value;
      if (!ready) failures.push({ target: parsed[index]!.label, cause, attempts });
    }
    if (failures.length > 0) throw new WaitTimeoutError(settings.timeoutMs, failures);
  } finally {
    caller?.removeEventListener('abort', stopOnAbort);
    await Promise.all(opened.map((attempts) => attempts.close()));
  }
}
