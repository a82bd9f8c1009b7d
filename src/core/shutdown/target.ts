/**
 * What `gracefulShutdown` stops, behind one interface: a node:http(s) server (Express,
 * Koa and Hono's node server all give one), a Fastify instance, any `{ close() }`, or
 * nothing (a worker). Each kind follows the same timeline: drain → stop accepting →
 * wait for what is in flight → destroy the rest → finish.
 */
import { InvalidOptionError } from '../errors.js';
import { describe } from '../options.js';
import { bunServerTarget, isBunServer } from './bun-server.js';
import { ConnectionTracker, type HttpServerLike } from './connection-tracker.js';
import { denoServerTarget, isDenoServer } from './deno-server.js';

/** One kind of server, as the shutdown sequence drives it. */
export interface ShutdownTarget {
  /** `http server`, `Fastify`, `server` or `no server`, for the log lines. */
  readonly label: string;
  /** Readiness just failed: every response from now on says `Connection: close`. */
  drain(): void;
  /** Stops accepting, closes idle connections; returns the requests still in flight. */
  stop(): number;
  /** Settles when the last connection has ended (or the generic `close()` has). */
  settled(): Promise<unknown>;
  /** Destroys what is left; returns the number of connections destroyed. */
  destroy(): number;
  /** After `settled`/`destroy`: the server's own close hooks (Fastify's onClose), named for the log; none for the others. */
  readonly finish?: { readonly label: string; run(): Promise<unknown> };
  /** Removes the listeners put on the server. */
  dispose(): void;
}

/** Builds the target for `server`, or throws `InvalidOptionError`. */
export function toShutdownTarget(server: unknown): ShutdownTarget {
  if (server === null) return noServer();
  if (isHttpServer(server)) return httpTarget(server);
  if (isFastify(server)) return fastifyTarget(server);
  if (isBunServer(server)) return bunServerTarget(server);
  if (isDenoServer(server)) return denoServerTarget(server);
  if (typeof server === 'object' && typeof (server as { close?: unknown }).close === 'function') {
    return closableTarget(server as { close: (...args: unknown[]) => unknown });
  }
  throw new InvalidOptionError(
    `Expected \`server\` to be an http(s).Server, a Fastify instance, an object with close(), or null, got ${describe(server)}`,
  );
}

// --- internal ---

interface FastifyLike {
  readonly server: HttpServerLike;
  close(): PromiseLike<unknown>;
}

function isHttpServer(value: unknown): value is HttpServerLike {
  const server = value as Partial<Record<keyof HttpServerLike, unknown>> | undefined;
  return (
    typeof server === 'object' &&
    typeof server.closeAllConnections === 'function' &&
    typeof server.closeIdleConnections === 'function' &&
    typeof server.prependListener === 'function' &&
    typeof server.close === 'function'
  );
}

/** Fastify by shape (no import): `.server` is its http.Server, plus `close()` and `addHook()`. */
function isFastify(value: unknown): value is FastifyLike {
  const app = value as { server?: unknown; close?: unknown; addHook?: unknown } | null;
  return (
    (typeof app === 'object' || typeof app === 'function') &&
    app !== null &&
    typeof app.close === 'function' &&
    typeof app.addHook === 'function' &&
    isHttpServer(app.server)
  );
}

function httpTarget(server: HttpServerLike): ShutdownTarget {
  const tracker = new ConnectionTracker(server);
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

/**
 * Fastify's `close()` marks it closing (new requests on open connections get `503` with
 * `Connection: close`), runs preClose hooks, calls `server.close()` and, once the server
 * has closed, its onClose hooks (plugins free resources there). Its wait for in-flight
 * requests has no bound, so the deadline and the destroy are ours, on `fastify.server`.
 */
function fastifyTarget(app: FastifyLike): ShutdownTarget {
  const server = app.server;
  const tracker = new ConnectionTracker(server);
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

/** Any `{ close() }`: a returned promise is awaited; `close(callback)` waits for the callback. */
function closableTarget(target: { close: (...args: unknown[]) => unknown }): ShutdownTarget {
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

function noServer(): ShutdownTarget {
  return {
    label: 'no server',
    drain: () => {},
    stop: () => 0,
    settled: () => Promise.resolve(),
    destroy: () => 0,
    dispose: () => {},
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
