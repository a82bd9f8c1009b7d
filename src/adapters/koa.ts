/**
 * @module shipshape/koa
 *
 * The Koa adapter (Koa 2 and 3): `app.use(koaProbes(probes))`.
 */
import type { Middleware, ParameterizedContext } from 'koa';
import type { Probes } from '../core/probes.js';
import { LazyProbeRequest, settledResponse, type ProbeResponse } from '../core/respond.js';
import { expectProbes } from './_expect-probes.js';

/**
 * Koa middleware that answers the probe endpoints and passes every other
 * request on untouched (it returns `next()`).
 *
 * Use it first, before body parsers, authentication, rate limiters and routers: the kubelet
 * sends no credentials. It answers through Koa's own response (`ctx.status`, `ctx.set`,
 * `ctx.body`) rather than writing to `ctx.res` with `ctx.respond = false`, so Koa keeps
 * doing what it does for every response: HEAD without a body, upstream middleware
 * (timing, logging) seeing a normal response, and Koa's error handling. Measured both ways
 * (BENCHMARKS.md): the raw write saves a probe some CPU, but the probe's headers would then
 * go out before an upstream `ctx.set()` after `await next()` (response-time, loggers), which
 * then throws. Like any Koa middleware it costs every request a step of Koa's chain;
 * `attachProbes` on the server `app.listen()` gives costs nothing of Koa's.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when `probes` is not a `createProbes()` result.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { createProbes } from 'shipshape';
 * import { koaProbes } from 'shipshape/koa';
 *
 * const probes = createProbes({ readiness: { api: async () => {} } });
 * const app = new Koa();
 * app.use(koaProbes(probes));
 * app.use((ctx) => { ctx.body = 'hello'; });
 * app.listen(3000);
 * ```
 */
export function koaProbes(probes: Probes): Middleware {
  expectProbes('probes', probes);
  // not an async function: one that returns next()'s promise costs every request of the app
  // two more microtask turns than a plain middleware (the promise is adopted, not passed on)
  const routes = probes.routes;
  return function koaProbes(ctx, next) {
    // ctx.req's own fields, not Koa's delegating getters: Koa's setters write them through
    const req = ctx.req;
    // the URL read in place first: nothing is built for the app's own requests
    if (!routes.mayMatch(req.url ?? '/')) return next();
    const pending = probes.respond(new LazyProbeRequest(req.method ?? 'GET', req.url ?? '/', ctx, koaAccept));
    if (!pending) return next();
    // the plain ok of a probe without checks is known already: no promise hop for it
    const settled = settledResponse(pending);
    if (settled) return answer(ctx, settled);
    return pending.then((response) => answer(ctx, response));
  };
}

// --- internal ---

/**
 * Through `ctx.response`, not `ctx`: Koa's delegating setters (`ctx.status = …`) are one
 * shared function doing a keyed store, whose inline cache goes megamorphic once it has seen
 * every delegated name; a megamorphic store to a setter runs that setter from V8's runtime
 * (1.3k instructions a probe, BENCHMARKS.md). Headers one by one, not `ctx.set({...rest})`
 * without `Content-Length` (an object rest copy: 1k), and not with it either (each header
 * costs node's validation: Koa's body setter sets that one anyway, and keeps it for HEAD).
 */
function answer(ctx: ParameterizedContext, response: ProbeResponse): void {
  const koaResponse = ctx.response;
  koaResponse.status = response.status;
  const headers = response.headers;
  for (const name in headers) if (name !== 'content-length') koaResponse.set(name, headers[name]!);
  koaResponse.body = response.body; // Koa omits it for HEAD
}

function koaAccept(ctx: ParameterizedContext): string | undefined {
  return ctx.req.headers.accept;
}
