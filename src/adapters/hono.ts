/**
 * @module shipshape/hono
 *
 * The Hono adapter (Hono 4, every runtime): `app.use(honoProbes(probes))`.
 */
import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { pathAndQuery } from '../core/internal/url.js';
import type { Probes } from '../core/probes.js';
import { expectProbes } from './_expect-probes.js';

/**
 * Hono middleware that answers the probe endpoints and awaits `next()` for every other
 * request, untouched.
 *
 * Register it first (`app.use(honoProbes(probes))` before other middleware and routes):
 * the kubelet sends no credentials. It answers through `c.body`, so it works wherever
 * Hono runs (`@hono/node-server`, Bun, Deno, workers, `app.request` in tests); Hono serves
 * HEAD as GET without the body.
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
  return async function honoProbes(c, next) {
    const pending = probes.respond({ method: c.req.method, url: pathAndQuery(c.req.url), accept: c.req.header('accept') });
    if (!pending) return next();
    const response = await pending;
    return c.body(response.body, response.status as ContentfulStatusCode, response.headers);
  };
}
