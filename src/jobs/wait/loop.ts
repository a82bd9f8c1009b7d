/**
 * The wait of one target: tried once an interval until it has answered without a failure
 * for the stable window (any failure starts the window again), or until the deadline.
 *
 * Each attempt runs under {@link runWithDeadline}, bounded by the interval (but given at
 * least {@link MIN_ATTEMPT_MS}), by {@link MAX_ATTEMPT_MS} and by the time left, and its
 * signal destroys the connection at the bound, so a blackholed target cannot stall the
 * loop. A target keeps its connection between attempts (the URL checks' own lifecycle): a
 * server that restarts during the window breaks it, and that is a failure, as it should
 * be. What one attempt is (both loopback addresses of `localhost`, the cause of a failure)
 * is `attempt.ts`; every attempt is reported as a {@link WaitProgress} event.
 */
import { CheckTimeoutError, isShipshapeError } from '../../core/errors.js';
import { runWithDeadline, sleep } from '../../core/internal/deadline.js';
import { formatSeconds } from '../../core/internal/seconds.js';
import { causeOf, type Attempts } from './attempt.js';
import type { WaitTarget } from './target-shapes.js';

/** No attempt outlives this, whatever the interval (SPEC §5). */
export const MAX_ATTEMPT_MS = 5000;

/**
 * An attempt gets at least this long, even with a shorter interval: a first connection
 * (TCP, TLS, the database's authentication) takes a few round trips, and cutting it off
 * sooner would make a healthy but distant database look down forever. An attempt that
 * fails fast (a refused port) still comes back at the interval.
 */
export const MIN_ATTEMPT_MS = 1000;

/** What `onProgress` hears: every attempt of every target, and each target once it is ready. */
export type WaitProgress =
  /** An attempt failed; `cause` is short and redacted (`ECONNREFUSED`, `no answer within 1 s`). */
  | { readonly type: 'failed'; readonly target: string; readonly attempt: number; readonly elapsedMs: number; readonly cause: string }
  /** An attempt passed; the target has answered for `stableForMs` so far. */
  | { readonly type: 'ok'; readonly target: string; readonly attempt: number; readonly elapsedMs: number; readonly stableForMs: number }
  /** The target has answered for the whole stable window: it is not tried again. */
  | { readonly type: 'ready'; readonly target: string; readonly attempts: number; readonly elapsedMs: number };

/** The resolved settings of a wait, and its shared state. */
export interface WaitContext {
  readonly timeoutMs: number;
  readonly stableMs: number;
  readonly intervalMs: number;
  /** `performance.now()` when the clock started, and when it ends. */
  readonly started: number;
  readonly deadline: number;
  /** Aborts every target's wait: the caller's signal, or another target's fatal error. */
  readonly stop: AbortSignal;
  readonly onProgress: (event: WaitProgress) => void;
}

/** How one target's wait ended. */
export interface WaitResult {
  readonly ready: boolean;
  readonly attempts: number;
  /** Why it is not ready. */
  readonly cause: string;
}

/**
 * Waits for one target, whose checks are `attempts`.
 *
 * @throws DriverMissingError when its driver is not installed (no retry can fix that).
 */
export async function waitForOne(target: WaitTarget, attempts: Attempts, context: WaitContext): Promise<WaitResult> {
  const { started, deadline, stop, stableMs, intervalMs } = context;
  const elapsedMs = (): number => performance.now() - started;
  const failed = (attempt: number, cause: string): void => context.onProgress({ type: 'failed', target: target.label, attempt, elapsedMs: elapsedMs(), cause });
  let attempt = 0;
  let windowStart: number | undefined;
  let lastCause: string | undefined;
  let next = started;
  for (;;) {
    await sleepUntil(Math.min(next, deadline), stop);
    const start = performance.now();
    if (stop.aborted || start >= deadline) return { ready: false, attempts: attempt, cause: notReadyCause(lastCause, windowStart, start, stableMs) };
    attempt += 1;
    const fullMs = Math.min(Math.max(intervalMs, MIN_ATTEMPT_MS), MAX_ATTEMPT_MS);
    const boundMs = Math.min(fullMs, deadline - start);
    const timeout = new CheckTimeoutError(Math.round(boundMs));
    const run = runWithDeadline((signal) => attempts.run(AbortSignal.any([signal, stop])), boundMs, timeout);
    const settled = await run.settled;
    if (stop.aborted) return { ready: false, attempts: attempt, cause: 'stopped' };
    if (settled.outcome === 'done') {
      windowStart ??= start;
      const stableForMs = start - windowStart;
      context.onProgress({ type: 'ok', target: target.label, attempt, elapsedMs: elapsedMs(), stableForMs });
      if (stableForMs >= stableMs) {
        context.onProgress({ type: 'ready', target: target.label, attempts: attempt, elapsedMs: elapsedMs() });
        return { ready: true, attempts: attempt, cause: '' };
      }
      // the window may end before the next interval: try again then, not later
      next = Math.min(start + intervalMs, windowStart + stableMs);
    } else {
      const error = settled.outcome === 'timeout' ? timeout : settled.error;
      if (isShipshapeError(error) && error.code === 'SHIPSHAPE_DRIVER_MISSING') throw error;
      windowStart = undefined;
      if (settled.outcome === 'timeout' && boundMs < fullMs) {
        // cut short by the timeout, this attempt says less than the last full one did
        failed(attempt, 'no answer before the timeout');
        lastCause ??= 'no answer before the timeout';
      } else {
        lastCause = causeOf(error);
        failed(attempt, lastCause);
      }
      next = start + intervalMs;
    }
    // Never a second attempt on top of one that still hangs (its signal has aborted; a
    // well-behaved check has already let go), but never past the deadline either.
    await untilSettled(run.finished, deadline, stop);
  }
}

// --- internal ---

function notReadyCause(lastCause: string | undefined, windowStart: number | undefined, now: number, stableMs: number): string {
  if (windowStart === undefined) return lastCause ?? 'not tried';
  const up = `ok for ${((now - windowStart) / 1000).toFixed(1)} of ${formatSeconds(stableMs)} s, not yet stable`;
  return lastCause === undefined ? up : `${up} (last failure: ${lastCause})`;
}

/** Sleeps until `performance.now()` reaches `time` (a timer may fire early), or `stop` aborts. */
async function sleepUntil(time: number, stop: AbortSignal): Promise<void> {
  for (let left = time - performance.now(); left > 0 && !stop.aborted; left = time - performance.now()) await sleep(left, stop);
}

/** Waits for `finished`, but not past `deadline` nor after `stop`. */
async function untilSettled(finished: Promise<void>, deadline: number, stop: AbortSignal): Promise<void> {
  const done = new AbortController();
  const either = AbortSignal.any([stop, done.signal]);
  await Promise.race([finished, sleepUntil(deadline, either)]);
  done.abort();
}
