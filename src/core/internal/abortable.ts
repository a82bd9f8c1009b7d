/**
 * Ties a promise to an `AbortSignal`: checks use it around driver calls that take no
 * signal of their own, so the check returns at its timeout and its `onAbort` frees the
 * socket (destroy the connection) instead of leaving it hanging.
 */

/**
 * Resolves or rejects as `promise` does, or rejects with `signal.reason` as soon as the
 * signal aborts, after calling `onAbort` (errors in it are swallowed). The promise's later
 * rejection is handled, so it never becomes an unhandled rejection.
 */
export function abortable<T>(promise: PromiseLike<T>, signal: AbortSignal, onAbort?: () => unknown): Promise<T> {
  const settled = Promise.resolve(promise);
  if (signal.aborted) {
    settled.catch(() => {});
    safely(onAbort);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      settled.catch(() => {});
      safely(onAbort);
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
    settled.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

function safely(fn: (() => unknown) | undefined): void {
  try {
    const out = fn?.();
    if (out && typeof (out as Promise<unknown>).catch === 'function') (out as Promise<unknown>).catch(() => {});
  } catch {
    // freeing resources after an abort must never turn into a second failure
  }
}
