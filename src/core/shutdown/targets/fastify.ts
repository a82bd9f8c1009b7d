/**
 * A Fastify instance. Fastify's `close()` marks it closing (new requests on open
 * connections get `503` with `Connection: close`), runs preClose hooks, calls
 * `server.close()` and, once the server has closed, its onClose hooks (plugins free
 * resources there). Its wait for in-flight requests has no bound, so the deadline and the
 * destroy are ours, on `fastify.server`.
 */
import { ConnectionTracker, type HttpServerLike } from '../connection-tracker.js';
import type { ShutdownKind, ShutdownTarget, TargetContext } from '../target.js';
import { isHttpServer } from './http.js';
import { hasMethods } from '../../internal/shape.js';

/** Fastify instances, by shape (no import). */
export const fastifyKind: ShutdownKind = {
  accepts: 'a Fastify instance',
  target: (server, context) => (isFastify(server) ? fastifyTarget(server, context) : undefined),
};

// --- internal ---

interface FastifyLike {
  readonly server: HttpServerLike;
  close(): PromiseLike<unknown>;
}

/** `.server` is its http.Server, plus `close()` and `addHook()`. */
function isFastify(value: unknown): value is FastifyLike {
  return hasMethods(value, 'close', 'addHook') && isHttpServer((value as { server?: unknown }).server);
}

function fastifyTarget(app: FastifyLike, context: TargetContext): ShutdownTarget {
  const server = app.server;
  const tracker = new ConnectionTracker(server, context.claimsUpgrade);
  let closing: Promise<unknown> | undefined;
  let serverClosed: Promise<void> | undefined;
  return {
    label: 'Fastify',
    drain: () => tracker.drain(),
    stop() {
      serverClosed ??= new Promise<void>((resolve) => {
        if (!server.listening) resolve();
        else server.on('close', () => resolve());
      });
      closing ??= Promise.resolve(app.close());
      closing.catch(() => {}); // reported by finish()
      tracker.stop();
      return tracker.inFlight();
    },
    settled: () => Promise.race([serverClosed ?? Promise.resolve(), closing ?? Promise.resolve()]),
    destroy: () => tracker.destroyAll(),
    finish: { label: 'Fastify onClose hooks', run: () => closing ?? Promise.resolve() },
    dispose: () => tracker.dispose(),
  };
}
