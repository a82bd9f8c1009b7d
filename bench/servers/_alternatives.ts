// The other side of each adapter's trade-off, kept here so that tradeoffs.bench.ts can measure
// both ways (the `alt` mode of the framework scripts): what the adapters did before, or the
// other way the framework allows.
import type { FastifyPluginCallback, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Middleware } from 'koa';
import type { Probes } from '../../src/core/probes.js';

/** Fastify: answer through the reply (onSend hooks see probe responses) instead of hijacking it. */
export function fastifySendHook(probes: Probes): onRequestHookHandler {
  return function shipshapeProbes(request, reply, done) {
    const pending = probes.respond({ method: request.method, url: request.url, accept: request.headers.accept });
    if (!pending) return done();
    pending
      .then((response) => {
        reply.code(response.status).headers(response.headers).send(request.method === 'HEAD' ? undefined : Buffer.from(response.body));
      })
      .catch(() => reply.raw.destroy());
  };
}

/** Koa: write on the raw response with `ctx.respond = false` (upstream middleware sees a 404) instead of Koa's response. */
export function koaRawMiddleware(probes: Probes): Middleware {
  return async function koaProbes(ctx, next) {
    if (!probes.handle(ctx.req, ctx.res)) return next();
    ctx.respond = false;
  };
}

/** Hono: answer through `c.body()` (a Headers object) instead of a Response with plain headers. */
export function honoBodyMiddleware(probes: Probes): MiddlewareHandler {
  return async function honoProbes(c, next) {
    const pending = probes.respond({ method: c.req.method, url: c.req.url, accept: c.req.header('accept') });
    if (!pending) return next();
    const response = await pending;
    return c.body(response.body, response.status as ContentfulStatusCode, response.headers);
  };
}

/**
 * Fastify: probe routes (GET, and HEAD through exposeHeadRoutes) instead of an onRequest hook:
 * other routes pay nothing, but every onRequest hook of the app (auth, rate limits) runs
 * before a route's handler, those added after the plugin too (Fastify gives root hooks to
 * every route), so the probes no longer come first; and an app route at a probe path
 * becomes a duplicate-route error.
 */
export const fastifyRoutesPlugin: FastifyPluginCallback<{ probes: Probes }> = function shipshapeRoutes(app, { probes }, done) {
  const handler = function probeRoute(request: FastifyRequest, reply: FastifyReply): void {
    if (probes.handle(request.raw, reply.raw)) reply.hijack();
    else reply.callNotFound(); // routed here by a looser router option (caseSensitive: false)
  };
  for (const path of probes.paths) {
    app.get(path, handler);
    app.get(`${path}/*`, handler);
  }
  done();
};
