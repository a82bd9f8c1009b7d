/**
 * @module shipshape/node
 *
 * The node:http adapter: `http.createServer(withProbes(probes, handler))`, and
 * `attachProbes(probes, server)` in front of an existing server (a framework's own).
 * node:http2 servers too, through node's compatibility API (`Http2ServerRequest`/`Response`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Server as NetServer } from 'node:net';
import { InvalidOptionError } from '../core/errors.js';
import { nodeProbeRequest, writeNodeResponse } from '../core/handle.js';
import { describe } from '../core/options.js';
import type { Probes } from '../core/probes.js';
import { expectProbes } from './_expect-probes.js';

/** A node:http request listener, or a node:http2 one (compatibility API). */
export type RequestListener<
  Req extends IncomingMessage | Http2ServerRequest = IncomingMessage,
  Res extends ServerResponse | Http2ServerResponse = Req extends IncomingMessage ? ServerResponse<Req> : Http2ServerResponse,
> = (req: Req, res: Res) => void;

/**
 * Wraps a node:http request listener so that probe requests are answered before it runs
 * (the handler never sees them) and every other request reaches it untouched. Without a
 * handler, other requests get `404`. On a node:http2 server (`http2.createServer(withProbes(…))`)
 * it answers HTTP/2 requests the same way.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when `probes` is not a `createProbes()`
 * result or `handler` is not a function.
 *
 * @example
 * ```ts
 * import http from 'node:http';
 * import { createProbes } from 'shipshape';
 * import { withProbes } from 'shipshape/node';
 *
 * const probes = createProbes();
 * http.createServer(withProbes(probes, (req, res) => res.end('hello'))).listen(3000);
 * ```
 */
export function withProbes<
  Req extends IncomingMessage | Http2ServerRequest = IncomingMessage,
  Res extends ServerResponse | Http2ServerResponse = Req extends IncomingMessage ? ServerResponse<Req> : Http2ServerResponse,
>(
  probes: Probes,
  handler?: RequestListener<Req, Res>,
): RequestListener<Req, Res> {
  expectProbes('probes', probes);
  if (handler !== undefined && typeof handler !== 'function') {
    throw new InvalidOptionError(`Expected \`handler\` to be a request listener (req, res) => void, got ${describe(handler)}`);
  }
  return function shipshapeProbes(req, res) {
    if (probes.handle(req, res)) return;
    if (handler) handler(req, res);
    else {
      res.statusCode = 404;
      res.end();
    }
  };
}

/**
 * Puts the probes in front of every `request` listener of an existing node:http,
 * node:https or node:http2 server — the ones it has and the ones added later — and returns
 * a function that takes them off again, restoring the server as it was. (An http2 server
 * emits `request` only for apps on node's compatibility API, not for `'stream'` handlers.)
 *
 * This is the fastest path on every framework: the probes answer on the raw node objects
 * before the framework sees the request, and every other request pays one path compare.
 * Use it with what the framework's own listen gives: `app.listen()` of Express and Koa,
 * `fastify.server`, Nest's `app.getHttpServer()`, `serve()` of `@hono/node-server`. What it
 * skips: the framework never sees a probe request, so its hooks, middleware, logging and
 * metrics do not either, and in-process requests that do not go through the server
 * (`fastify.inject()`, Hono's `app.request()`, supertest on the app rather than the server)
 * are not answered; use the framework's adapter for those. A listener prepended later
 * (`prependListener`) asks to run first and does, before the probe is answered:
 * `gracefulShutdown` prepends one while draining, so probe responses too carry
 * `Connection: close`.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when `probes` is not a `createProbes()`
 * result or `server` is not an `http.Server`, `https.Server` or http2 server.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createProbes } from 'shipshape';
 * import { attachProbes } from 'shipshape/node';
 *
 * const probes = createProbes({ readiness: { api: async () => {} } });
 * const app = express();
 * app.get('/', (req, res) => { res.send('hello'); });
 * const detach = attachProbes(probes, app.listen(3000));
 * ```
 */
export function attachProbes(probes: Probes, server: NetServer): () => void {
  expectProbes('probes', probes);
  if (!isHttpServer(server)) {
    throw new InvalidOptionError(
      'Expected `server` to be an http.Server, https.Server or http2 server (what app.listen() of Express and Koa, fastify.server, ' +
        `Nest's app.getHttpServer() and serve() of @hono/node-server give), got ${describe(server)}`,
    );
  }
  // node:http announces each request with `server.emit('request', req, res)` (lib/_http_server.js),
  // so one own `emit` in front of the prototype's sees every request before any listener, present or
  // future, at the cost of one string compare for the server's other events. Wrapping each listener
  // instead (overriding on/addListener/once) would cost a call per listener per request, and
  // `removeListener(original)` would no longer find the wrapper. `prependListener` is overridden
  // only to note who asked to come first.
  const emit = server.emit;
  const prepend = server.prependListener;
  const ownEmit = Object.getOwnPropertyDescriptor(server, 'emit');
  const ownPrepend = Object.getOwnPropertyDescriptor(server, 'prependListener');
  const first = new Set<unknown>(); // 'request' listeners prepended after the call
  let attached = true;
  function shipshapeEmit(this: NetServer, event: string | symbol, req?: IncomingMessage, res?: ServerResponse): boolean {
    // `checkContinue` stands in for `request` when the app listens to it (an `Expect: 100-continue`
    // request, lib/_http_server.js): a probe answers it with its final status, which RFC 9110 §10.1.1 allows
    if ((event !== 'request' && event !== 'checkContinue') || !attached) return Reflect.apply(emit, this, arguments) as boolean;
    if (first.size === 0) return probes.handle(req!, res!) || (Reflect.apply(emit, this, arguments) as boolean);
    // listeners prepended after the call lead the list, probe requests included: they run
    // before the answer is written
    const pending = probes.respond(nodeProbeRequest(req!));
    if (!pending) return Reflect.apply(emit, this, arguments) as boolean;
    for (const listener of this.rawListeners('request')) {
      if (!first.has(listener)) break;
      Reflect.apply(listener, this, [req, res]);
    }
    writeNodeResponse(res!, req!.method ?? 'GET', pending);
    return true;
  }
  function shipshapePrependListener(this: NetServer, event: string | symbol, listener: (...args: any[]) => void): NetServer {
    if (event === 'request') first.add(listener); // prependOnceListener comes here too, with its wrapper
    return Reflect.apply(prepend, this, [event, listener]) as NetServer;
  }
  server.emit = shipshapeEmit as typeof server.emit;
  server.prependListener = shipshapePrependListener as typeof server.prependListener;
  return function detachProbes() {
    attached = false;
    // put back exactly what was there, unless something wrapped it after us: then ours stays, inert
    restore(server, 'emit', shipshapeEmit, ownEmit);
    restore(server, 'prependListener', shipshapePrependListener, ownPrepend);
  };
}

// --- internal ---

/**
 * An http.Server or https.Server (node:https, which loads TLS, only when it is not the
 * former), or an http2 server: node:http2 exports no server class, and `updateSettings()`
 * is what its two servers alone have among net.Servers.
 */
function isHttpServer(server: unknown): boolean {
  return (
    server instanceof process.getBuiltinModule('node:http').Server ||
    server instanceof process.getBuiltinModule('node:https').Server ||
    (server instanceof process.getBuiltinModule('node:net').Server && typeof (server as { updateSettings?: unknown }).updateSettings === 'function')
  );
}

function restore(server: NetServer, key: 'emit' | 'prependListener', ours: unknown, own: PropertyDescriptor | undefined): void {
  if (server[key] !== ours) return;
  if (own) Object.defineProperty(server, key, own);
  else delete (server as Partial<NetServer>)[key];
}
