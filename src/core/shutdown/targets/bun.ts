/**
 * Bun's server (`Bun.serve()`) as a shutdown target (SPEC §4, §9). Bun's `server.stop()`
 * stops accepting, closes idle keep-alive connections at once and resolves once the
 * requests in flight have been answered; `server.stop(true)` ends the ones left
 * (bun-types `Server.stop`). `Connection: close` while draining comes from the fetch path:
 * `shipshape/fetch` adds it to every response once the probes drain, as Bun gives no hook
 * on its responses.
 */
import type { ShutdownKind, ShutdownTarget } from '../target.js';
import { hasMethods } from '../../internal/shape.js';

/** The part of Bun's `Server` that shutdown uses. */
export interface BunServerLike {
  stop(closeActiveConnections?: boolean): unknown;
  /** Requests being answered (bun-types `Server.pendingRequests`). */
  readonly pendingRequests: number;
  /** Open WebSockets (bun-types `Server.pendingWebSockets`). */
  readonly pendingWebSockets?: number;
  reload(options: never): unknown;
  upgrade(request: never, options?: never): boolean;
}

/** `Bun.serve()` servers. */
export const bunKind: ShutdownKind = {
  accepts: 'a Bun.serve() server',
  target: (server) => (isBunServer(server) ? bunServerTarget(server) : undefined),
};

// --- internal ---

/** Whether `value` is a `Bun.serve()` server, by shape (no import: the core runs on Node too). */
function isBunServer(value: unknown): value is BunServerLike {
  return hasMethods(value, 'stop', 'reload', 'upgrade') && typeof (value as { pendingRequests?: unknown }).pendingRequests === 'number';
}

/** The shutdown timeline on a Bun server: `stop()` at stop, `stop(true)` at `timeoutMs`. */
function bunServerTarget(server: BunServerLike): ShutdownTarget {
  let stopped: Promise<unknown> | undefined;
  return {
    label: 'Bun server',
    drain: () => {},
    stop() {
      stopped ??= Promise.resolve(server.stop(false));
      return server.pendingRequests;
    },
    settled: () => stopped ?? Promise.resolve(),
    destroy() {
      const left = server.pendingRequests + (server.pendingWebSockets ?? 0);
      void Promise.resolve(server.stop(true)).catch(() => {});
      return left;
    },
    dispose: () => {},
  };
}
