/**
 * @module shipshape/hono
 *
 * The Hono adapter (Hono 4, every runtime): `app.use(honoProbes(probes))`.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Probes } from '../core/probes.js';
import { LazyProbeRequest, settledResponse, type ProbeResponse } from '../core/respond.js';
import { expectProbes } from './_expect-probes.js';

/**
 * Hono middleware that answers the probe endpoints and passes every other
 * request on untouched (it returns `next()`).
 *
 * Register it first (`app.use(honoProbes(probes))` before other middleware and routes):
 * the kubelet sends no credentials. It answers with a Web `Response` built from the probe's
 * plain headers, so it works wherever Hono runs (`@hono/node-server`, Bun, Deno, workers,
 * `app.request` in tests), and middleware before it still sees and can amend `c.res`. Not
 * `c.body()`: that copies the headers into a `Headers` object first, which on
 * `@hono/node-server` also costs the server's fast path for plain headers: measured, a
 * tenth to a third more CPU a probe (BENCHMARKS.md). Hono serves HEAD as GET without the body.
 * Any Hono middleware costs every request Hono's middleware chain (a no-op one measures the
 * same as this one on the app's own routes); `attachProbes` on the server `serve()` gives
 * costs nothing of Hono's.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when `probes` is not a `createProbes()` result.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { serve } from '@hono/node-server';
 * import { createProbes } from 'shipshape';
 * import { honoProbes } from 'shipshape/hono';
 *
 * const probes = createProbes({ readiness: { api: async () => {} } });
 * const app = new Hono();
 * app.use(honoProbes(probes));
 * app.get('/', (c) => c.text('hello'));
 * serve({ fetch: app.fetch, port: 3000 });
 * ```
 */
export function honoProbes(probes: Probes): MiddlewareHandler {
  expectProbes('probes', probes);
  // not an async function: one that returns next()'s promise costs every request of the app
  // two more microtask turns than a plain middleware (the promise is adopted, not passed on)
  const routes = probes.routes;
  return function honoProbes(c, next) {
    const request = c.req;
    // the URL read in place first: nothing is built for the app's own requests
    if (!routes.mayMatch(request.url)) return next();
    const method = request.method;
    const pending = probes.respond(new LazyProbeRequest(method, request.url, c, honoAccept));
    if (!pending) return next();
    // the plain ok of a probe without checks is known already: no promise hop for it
    const settled = settledResponse(pending);
    if (settled) return Promise.resolve(toResponse(method, settled));
    return pending.then((response) => toResponse(method, response));
  };
}

// --- internal ---

function toResponse(method: string, { status, headers, body }: ProbeResponse): Response {
  return new Response(method === 'HEAD' ? null : body, { status, headers });
}

function honoAccept(c: Context): string | undefined {
  return c.req.header('accept');
}
