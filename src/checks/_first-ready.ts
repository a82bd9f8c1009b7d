/**
 * What a check knows of the app's own client's connection, for the clients that connect in
 * the background and say so with events (ioredis, node-redis, MQTT.js): whether it was
 * ever ready, and a wait for its first `ready` that the first probe right after the app
 * starts can afford (within the check's timeout) instead of failing a client that is
 * still connecting. A client that was ready once and is not now has lost its server: the
 * checks fail it at once rather than waiting.
 */
import { abortable } from '../core/internal/abortable.js';
import { NotReady } from '../core/errors.js';

/** The events of a client that the tracker listens to (the clients are EventEmitters). */
export interface ClientEventsLike {
  // `any[]`: EventEmitter's own listener type, which every client's typings use
  once?(event: string, listener: (...args: any[]) => void): unknown;
  removeListener?(event: string, listener: (...args: any[]) => void): unknown;
}

/** How a client says it is ready, and that an attempt to connect has failed. */
export interface FirstReadyEvents {
  /** Whether the client is ready at construction. */
  readonly readyNow: boolean;
  /** The event a client emits when it becomes ready (`ready`, `connect`). */
  readonly ready: string;
  /** Events that end a connection attempt: the wait fails with the last `error` as the reason. */
  readonly fail: readonly string[];
}

/** See the file's comment. */
export interface FirstReady {
  /** Whether the client was ever seen ready. */
  wasReady(): boolean;
  /** Records that a run found the client ready. */
  seen(): void;
  /**
   * Resolves at the client's next `ready`; rejects with `NotReady` (`reason()`, plus the
   * last error it emitted) when the attempt fails, or with the signal's reason when it aborts.
   * Listens only while it waits: the app's error handling stays the app's.
   */
  first(signal: AbortSignal, reason: () => string): Promise<void>;
}

/** Starts tracking `client`'s readiness: call once, when the check is built. */
export function trackFirstReady(client: ClientEventsLike, events: FirstReadyEvents): FirstReady {
  let wasReady = events.readyNow;
  if (!wasReady) client.once?.(events.ready, () => (wasReady = true));
  return {
    wasReady: () => wasReady,
    seen: () => void (wasReady = true),
    first(signal: AbortSignal, reason: () => string): Promise<void> {
      if (typeof client.once !== 'function' || typeof client.removeListener !== 'function') return Promise.resolve();
      let lastError: string | undefined;
      const listeners: [string, (...args: any[]) => void][] = [];
      const waiting = new Promise<void>((resolve, reject) => {
        const fail = (): void => reject(new NotReady(lastError ? `${reason()}: ${lastError}` : reason()));
        listeners.push([events.ready, () => resolve()], ['error', (error: Error) => void (lastError = error?.message)]);
        for (const event of events.fail) listeners.push([event, fail]);
        for (const [event, listener] of listeners) client.once!(event, listener);
      });
      return abortable(waiting, signal).finally(() => {
        for (const [event, listener] of listeners) client.removeListener!(event, listener);
      });
    },
  };
}
