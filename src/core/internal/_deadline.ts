/**
 * Timers for the shutdown sequence. Unlike every other timer in shipshape these are
 * *not* unref'ed: while the process shuts down, the pending phase is what must keep it
 * alive (a worker with no server would otherwise exit 0 in the middle of its hooks).
 */

/** setTimeout's ceiling: a longer delay fires after 1 ms (Node warns `TimeoutOverflowWarning`). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How a bounded wait ended. */
export type Settled<T> =
  | { readonly outcome: 'done'; readonly value: T }
  | { readonly outcome: 'failed'; readonly error: unknown }
  | { readonly outcome: 'timeout' };

/** Resolves after `ms` (never for `Infinity` or anything past setTimeout's ceiling). */
export function sleep(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    if (ms <= MAX_TIMER_MS) setTimeout(resolve, ms);
  });
}

/**
 * Waits for `work` (a promise, or a function given an AbortSignal that aborts at the
 * deadline) for at most `ms`. Never rejects; a rejection after the deadline is handled,
 * so it never becomes an unhandled rejection.
 */
export async function within<T>(work: PromiseLike<T> | ((signal: AbortSignal) => T | PromiseLike<T>), ms: number): Promise<Settled<T>> {
  const controller = new AbortController();
  let pending: Promise<T>;
  try {
    pending = Promise.resolve(typeof work === 'function' ? work(controller.signal) : work);
  } catch (error) {
    return { outcome: 'failed', error };
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Settled<T>>((resolve) => {
    if (ms <= MAX_TIMER_MS) {
      timer = setTimeout(() => {
        controller.abort(new Error(`timed out after ${ms} ms`));
        resolve({ outcome: 'timeout' });
      }, ms);
    }
  });
  const settled = pending.then(
    (value): Settled<T> => ({ outcome: 'done', value }),
    (error: unknown): Settled<T> => ({ outcome: 'failed', error }),
  );
  try {
    return await Promise.race([settled, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
