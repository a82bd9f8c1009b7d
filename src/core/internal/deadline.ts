/**
 * Running work against a deadline, the one way shipshape does it: the check runner (a
 * check's timeout), the shutdown sequence (each phase's bound) and the command line (each
 * attempt of `wait4db`) all use {@link runWithDeadline}.
 *
 * The work gets an `AbortSignal` that aborts at the deadline, so it can free its socket;
 * the caller is answered at the deadline even when the work ignores its signal, and learns
 * separately when the work has really ended ({@link Deadline.finished}), so that it never
 * starts a second run on top of one that still hangs.
 *
 * Timers are not `unref()`ed unless asked: work with a deadline is what the process is there
 * for (an exec probe's in-process check, a shutdown phase); each timer lives at most its
 * `ms`. A background check's periodic run, which nobody waits for, asks for `unref`.
 */

/** `setTimeout`'s ceiling: a longer delay fires after 1 ms (Node warns `TimeoutOverflowWarning`). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** How a bounded run ended. */
export type Settled<T> =
  | { readonly outcome: 'done'; readonly value: T }
  | { readonly outcome: 'failed'; readonly error: unknown }
  | { readonly outcome: 'timeout' };

/** A run of work against a deadline. Neither promise ever rejects. */
export interface Deadline<T> {
  /** The work's outcome, or `timeout` at the deadline, whichever comes first. */
  readonly settled: Promise<Settled<T>>;
  /** Resolves when the work itself has settled, before or after the deadline. */
  readonly finished: Promise<void>;
}

/** What work against a deadline is: a function given the signal, or a promise already under way. */
export type Work<T> = PromiseLike<T> | ((signal: AbortSignal) => T | PromiseLike<T>);

/**
 * Runs `work` with a signal that aborts with `timeoutError` after `ms`. `Infinity` means
 * never; a finite `ms` above {@link MAX_TIMER_MS} is capped at it (about 24.8 days). A
 * function that throws synchronously fails like one that rejects, and a rejection after the
 * deadline is handled, so it never becomes an unhandled rejection. With `unref`, the
 * deadline's timer does not keep the process alive.
 *
 * Create `timeoutError` before calling (its stack then points at the caller, not at a timer).
 */
export function runWithDeadline<T>(work: Work<T>, ms: number, timeoutError: Error = new Error(`timed out after ${ms} ms`), unref = false): Deadline<T> {
  const controller = new AbortController();
  let running: Promise<T>;
  try {
    running = Promise.resolve(typeof work === 'function' ? work(controller.signal) : work);
  } catch (error) {
    running = Promise.reject(error);
  }
  const outcome = running.then(
    (value): Settled<T> => ({ outcome: 'done', value }),
    (error: unknown): Settled<T> => ({ outcome: 'failed', error }),
  );
  const finished = outcome.then(() => {});
  if (!(ms < Infinity)) return { settled: outcome, finished };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(timeoutError);
      resolve({ outcome: 'timeout' });
    }, Math.min(Math.max(ms, 0), MAX_TIMER_MS));
    if (unref) timer.unref?.();
  });
  const settled = Promise.race([outcome, deadline]);
  void settled.then(() => clearTimeout(timer));
  return { settled, finished };
}

/** {@link runWithDeadline}'s outcome alone, for callers that do not care when abandoned work ends. */
export function within<T>(work: Work<T>, ms: number, timeoutError?: Error): Promise<Settled<T>> {
  return runWithDeadline(work, ms, timeoutError).settled;
}

/**
 * One deadline timer for work that runs again and again, one run at a time (a check's
 * runs): armed at each start and disarmed when the run settles in time, it is one timer
 * re-armed with `refresh()` rather than a `setTimeout`/`clearTimeout` pair per run (about
 * 5k instructions less a run on node). A disarmed timer stays scheduled without keeping the
 * process alive and may still fire: `onTimeout` must ignore a firing when no run is under
 * way. Where timers are numbers (Deno's global `setTimeout`), each run gets its own timer.
 *
 * @example
 * ```ts
 * const deadline = new ReusableDeadline(900, () => { if (running) abortTheRun(); });
 * deadline.arm(true); // a run starts; the timer keeps the process alive
 * deadline.disarm(); // it settled in time
 * ```
 */
export class ReusableDeadline {
  readonly #ms: number;
  readonly #onTimeout: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `ms` as {@link runWithDeadline} takes it: `Infinity` is never, a finite one is capped at {@link MAX_TIMER_MS}. */
  constructor(ms: number, onTimeout: () => void) {
    this.#ms = ms;
    this.#onTimeout = onTimeout;
  }

  /** A run starts: `onTimeout` in `ms` from now. `keepAlive: false` for work nobody waits for. */
  arm(keepAlive: boolean): void {
    if (!(this.#ms < Infinity)) return;
    const timer = this.#timer;
    if (isRefreshable(timer)) {
      // ref first: refresh() counts a timer that had fired as alive again by its ref state
      if (keepAlive) timer.ref();
      else timer.unref();
      timer.refresh();
      return;
    }
    const fresh = setTimeout(this.#onTimeout, Math.min(Math.max(this.#ms, 0), MAX_TIMER_MS));
    if (!keepAlive) (fresh as { unref?: () => void }).unref?.();
    this.#timer = fresh;
  }

  /** The run settled in time. */
  disarm(): void {
    const timer = this.#timer;
    if (isRefreshable(timer)) timer.unref();
    else {
      clearTimeout(timer);
      this.#timer = undefined;
    }
  }
}

function isRefreshable(timer: unknown): timer is NodeJS.Timeout {
  return typeof timer === 'object' && timer !== null && typeof (timer as NodeJS.Timeout).refresh === 'function';
}

/**
 * Resolves after `ms` (at once for 0 or less, never for `Infinity`, capped like
 * {@link runWithDeadline}), or as soon as `signal` aborts.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = ms < Infinity ? setTimeout(done, Math.min(ms, MAX_TIMER_MS)) : undefined;
    signal?.addEventListener('abort', done, { once: true });
  });
}
