/**
 * A node:http or node:https server — also what Express's and Koa's `app.listen()` and
 * Hono's node server give: `Connection: close` from drain on, `server.close()` at stop,
 * idle and silent sockets closed, the rest destroyed at `timeoutMs` (connection-tracker.ts).
 */
import { ConnectionTracker, type HttpServerLike } from '../connection-tracker.js';
import type { ShutdownKind, ShutdownTarget, TargetContext } from '../target.js';
import { hasMethods } from '../../internal/shape.js';

/** node:http(s) servers. */
export const httpKind: ShutdownKind = {
  accepts: 'an http(s).Server',
  target: (server, context) => (isHttpServer(server) ? httpTarget(server, context) : undefined),
};

/** A node:http(s) server by shape: what the connection tracker needs of it. */
export function isHttpServer(value: unknown): value is HttpServerLike {
  return hasMethods(value, 'closeAllConnections', 'closeIdleConnections', 'prependListener', 'close');
}

// --- internal ---

function httpTarget(server: HttpServerLike, context: TargetContext): ShutdownTarget {
  const tracker = new ConnectionTracker(server, context.claimsUpgrade);
  let closed: Promise<void> | undefined;
  return {
    label: 'http server',
    drain: () => tracker.drain(),
    stop() {
      // the callback's ERR_SERVER_NOT_RUNNING (never listened) means there is nothing to wait for
      closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
      tracker.stop();
      return tracker.inFlight();
    },
    settled: () => closed ?? Promise.resolve(),
    destroy: () => tracker.destroyAll(),
    dispose: () => tracker.dispose(),
  };
}
