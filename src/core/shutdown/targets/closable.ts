/**
 * Any `{ close() }` (a queue consumer, a custom server): a returned promise is awaited;
 * `close(callback)` waits for the callback. It has no connections shipshape can see, so
 * nothing is drained or destroyed: a `close()` that outlasts `timeoutMs` is abandoned
 * (exit 1).
 */
import type { ShutdownKind, ShutdownTarget } from '../target.js';

/** Anything with a `close()` method; tried last. */
export const closableKind: ShutdownKind = {
  accepts: 'an object with close()',
  target: (server) => (isClosable(server) ? closableTarget(server) : undefined),
};

// --- internal ---

type Closable = { close: (...args: unknown[]) => unknown };

function isClosable(value: unknown): value is Closable {
  return typeof value === 'object' && value !== null && typeof (value as { close?: unknown }).close === 'function';
}

function closableTarget(target: Closable): ShutdownTarget {
  let closed: Promise<unknown> | undefined;
  return {
    label: 'server',
    drain: () => {},
    stop() {
      closed ??= new Promise((resolve, reject) => {
        const done = (error?: unknown): void => (error ? reject(error) : resolve(undefined));
        const result = target.close.length >= 1 ? target.close(done) : target.close();
        if (isThenable(result)) result.then(() => resolve(undefined), reject);
        else if (target.close.length === 0) resolve(undefined);
      });
      closed.catch(() => {});
      return 0;
    },
    settled: () => closed ?? Promise.resolve(),
    destroy: () => 0,
    dispose: () => {},
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
