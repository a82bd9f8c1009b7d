/**
 * The wait loop of `shipshape wait4db` and `shipshape wait4`: every target is tried once an
 * `--interval`, in parallel, until it has answered without a failure for `--stable` seconds
 * (any failure starts its window again), or until `--timeout`.
 *
 * Each attempt runs under {@link runWithDeadline}, bounded by the interval (but given at
 * least {@link MIN_ATTEMPT_MS}), by {@link MAX_ATTEMPT_MS} and by the time left, and its
 * signal destroys the connection at the bound, so a blackholed target cannot stall the
 * loop. A target keeps its connection between attempts (the URL checks' own lifecycle): a
 * server that restarts during the window breaks it, and that is a failure, as it should
 * be. What one attempt is (both loopback addresses of `localhost`, the cause of a failure)
 * is `_attempt.ts`. Time comes from `io.now()` and `io.sleep()`, so that a test may run the
 * loop on a clock of its own.
 *
 * Output (docs/cli/wait4db.md):
 *   stderr, one line an attempt:  `wait4db: <target>: <cause> (attempt 3, 2.1 s)`
 *                                 `wait4db: <target>: ok, stable for 2.0 of 5 s (attempt 5, 4.1 s)`
 *   stdout, one line a target:    `<target> is ready (stable for 5 s after 7.3 s)`
 *                                 `<target> is not ready after 180 s: <cause> (180 attempts)`
 */
import { CheckTimeoutError, isShipshapeError, UsageError } from '../core/errors.js';
import { runWithDeadline } from '../core/internal/deadline.js';
import { causeOf, openTarget, type Attempts } from './_attempt.js';
import { formatSeconds, seconds, type FlagOptions } from './_flags.js';
import type { CliIO } from './_io.js';
import type { WaitTarget } from './_targets.js';

/** The flags both commands take. */
export const WAIT_FLAGS = {
  timeout: { type: 'string' },
  stable: { type: 'string' },
  interval: { type: 'string' },
  quiet: { type: 'boolean' },
} as const satisfies FlagOptions;

/** The flags' defaults, in seconds (SPEC §5). */
export const DEFAULTS = { timeout: 180, stable: 5, interval: 1 } as const;

/** No attempt outlives this, whatever `--interval` says (SPEC §5). */
export const MAX_ATTEMPT_MS = 5000;

/**
 * An attempt gets at least this long, even with a shorter `--interval`: a first connection
 * (TCP, TLS, the database's authentication) takes a few round trips, and cutting it off
 * sooner would make a healthy but distant database look down forever. An attempt that
 * fails fast (a refused port) still comes back at the interval.
 */
export const MIN_ATTEMPT_MS = 1000;

/** The settings of a wait, durations in milliseconds. */
export interface WaitSettings {
  /** `wait4db` or `wait4`: the prefix of progress lines. */
  readonly command: string;
  readonly timeoutMs: number;
  readonly stableMs: number;
  readonly intervalMs: number;
  readonly quiet: boolean;
}

/**
 * The settings from the parsed {@link WAIT_FLAGS}.
 *
 * @throws UsageError for a duration that is not a number of seconds above 0, or a
 *   `--stable` window that cannot fit into `--timeout`.
 */
export function waitSettings(command: string, values: { timeout?: string; stable?: string; interval?: string; quiet?: boolean }): WaitSettings {
  const settings = {
    command,
    timeoutMs: seconds('timeout', values.timeout, DEFAULTS.timeout),
    stableMs: seconds('stable', values.stable, DEFAULTS.stable),
    intervalMs: seconds('interval', values.interval, DEFAULTS.interval),
    quiet: values.quiet === true,
  };
  if (settings.stableMs >= settings.timeoutMs) {
    throw new UsageError(`--stable (${formatSeconds(settings.stableMs)} s) must be shorter than --timeout (${formatSeconds(settings.timeoutMs)} s): nothing could be stable in time`);
  }
  return settings;
}

/**
 * Waits for every target (see the file's comment) and resolves to the exit code: 0 when
 * all are stable, 1 at the timeout, 128 + the signal's number on SIGTERM or SIGINT. Every
 * connection is closed before it resolves.
 *
 * @throws DriverMissingError (exit 2) when a target's driver is not installed, after
 *   closing every connection.
 */
export async function waitFor(targets: readonly WaitTarget[], settings: WaitSettings, io: CliIO): Promise<number> {
  const stop = new AbortController();
  let stoppedBy: keyof typeof SIGNAL_NUMBERS | undefined;
  const unlisten = (Object.keys(SIGNAL_NUMBERS) as (keyof typeof SIGNAL_NUMBERS)[]).map((signal) =>
    io.onSignal(signal, () => {
      stoppedBy ??= signal;
      stop.abort(new Error(`stopped by ${signal}`));
    }),
  );
  const opened: Attempts[] = [];
  try {
    for (const target of targets) opened.push(await openTarget(target));
    // The clock starts once the drivers are imported: like Node's own start-up, that is
    // not waiting, and the first attempt must always have its full bound.
    const started = io.now();
    const context: Context = { io, settings, started, deadline: started + settings.timeoutMs, stop: stop.signal };
    const outcomes = await Promise.allSettled(
      targets.map(async (target, index) => {
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
    if (stoppedBy) {
      io.stderr.write(`${settings.command}: stopped by ${stoppedBy} after ${elapsed(io, context.started)} s\n`);
      return 128 + SIGNAL_NUMBERS[stoppedBy];
    }
    let ready = true;
    for (const [index, outcome] of outcomes.entries()) {
      const result = (outcome as PromiseFulfilledResult<Result>).value;
      if (result.ready) continue;
      ready = false;
      const attempts = `${result.attempts} attempt${result.attempts === 1 ? '' : 's'}`;
      io.stdout.write(`${targets[index]!.label} is not ready after ${formatSeconds(settings.timeoutMs)} s: ${result.cause} (${attempts})\n`);
    }
    return ready ? 0 : 1;
  } finally {
    await Promise.all(opened.map((attempts) => attempts.close()));
    for (const remove of unlisten) remove();
  }
}

// --- internal ---

// POSIX fixes these numbers; the shell's convention for a process a signal ended is 128 + it.
const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;

interface Context {
  readonly io: CliIO;
  readonly settings: WaitSettings;
  readonly started: number;
  readonly deadline: number;
  readonly stop: AbortSignal;
}

interface Result {
  readonly ready: boolean;
  readonly attempts: number;
  /** Why it is not ready. */
  readonly cause: string;
}

async function waitForOne(target: WaitTarget, attempts: Attempts, context: Context): Promise<Result> {
  const { io, settings, started, deadline, stop } = context;
  const progress = (text: string, attempt: number): void => {
    if (!settings.quiet) io.stderr.write(`${settings.command}: ${target.label}: ${text} (attempt ${attempt}, ${elapsed(io, started)} s)\n`);
  };
  let attempt = 0;
  let windowStart: number | undefined;
  let lastCause: string | undefined;
  let next = started;
  for (;;) {
    await sleepUntil(io, Math.min(next, deadline), stop);
    const start = io.now();
    if (stop.aborted || start >= deadline) return { ready: false, attempts: attempt, cause: notReadyCause(lastCause, windowStart, start, settings) };
    attempt += 1;
    const fullMs = Math.min(Math.max(settings.intervalMs, MIN_ATTEMPT_MS), MAX_ATTEMPT_MS);
    const boundMs = Math.min(fullMs, deadline - start);
    const timeout = new CheckTimeoutError(Math.round(boundMs));
    const run = runWithDeadline((signal) => attempts.run(AbortSignal.any([signal, stop])), boundMs, timeout);
    const settled = await run.settled;
    if (stop.aborted) return { ready: false, attempts: attempt, cause: 'stopped' };
    if (settled.outcome === 'done') {
      windowStart ??= start;
      const stableMs = start - windowStart;
      progress(`ok, stable for ${(stableMs / 1000).toFixed(1)} of ${formatSeconds(settings.stableMs)} s`, attempt);
      if (stableMs >= settings.stableMs) {
        io.stdout.write(`${target.label} is ready (stable for ${formatSeconds(settings.stableMs)} s after ${elapsed(io, started)} s)\n`);
        return { ready: true, attempts: attempt, cause: '' };
      }
      // the window may end before the next interval: try again then, not later
      next = Math.min(start + settings.intervalMs, windowStart + settings.stableMs);
    } else {
      const error = settled.outcome === 'timeout' ? timeout : settled.error;
      if (isShipshapeError(error) && error.code === 'SHIPSHAPE_DRIVER_MISSING') throw error;
      windowStart = undefined;
      if (settled.outcome === 'timeout' && boundMs < fullMs) {
        // cut short by --timeout, this attempt says less than the last full one did
        progress('no answer before the timeout', attempt);
        lastCause ??= 'no answer before the timeout';
      } else {
        lastCause = causeOf(error);
        progress(lastCause, attempt);
      }
      next = start + settings.intervalMs;
    }
    // Never a second attempt on top of one that still hangs (its signal has aborted; a
    // well-behaved check has already let go), but never past the timeout either.
    await untilSettled(io, run.finished, deadline, stop);
  }
}

function notReadyCause(lastCause: string | undefined, windowStart: number | undefined, now: number, settings: WaitSettings): string {
  if (windowStart === undefined) return lastCause ?? 'not tried';
  const up = `ok for ${((now - windowStart) / 1000).toFixed(1)} of ${formatSeconds(settings.stableMs)} s, not yet stable`;
  return lastCause === undefined ? up : `${up} (last failure: ${lastCause})`;
}

/** Sleeps until `io.now()` reaches `time` (a timer may fire early), or `stop` aborts. */
async function sleepUntil(io: CliIO, time: number, stop: AbortSignal): Promise<void> {
  for (let left = time - io.now(); left > 0 && !stop.aborted; left = time - io.now()) await io.sleep(left, stop);
}

/** Waits for `finished`, but not past `deadline` nor after `stop`. */
async function untilSettled(io: CliIO, finished: Promise<void>, deadline: number, stop: AbortSignal): Promise<void> {
  const done = new AbortController();
  const either = AbortSignal.any([stop, done.signal]);
  await Promise.race([finished, sleepUntil(io, deadline, either)]);
  done.abort();
}

function elapsed(io: CliIO, started: number): string {
  return ((io.now() - started) / 1000).toFixed(1);
}
