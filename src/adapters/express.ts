/**
 * @module shipshape/express
 *
 * The Express adapter (Express 4 and 5, Connect): `app.use(expressProbes(probes))`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Probes } from '../core/probes.js';
import { expectProbes } from './_expect-probes.js';

/** A Connect/Express middleware. Typed on node:http so it fits Express 4, 5 and Connect alike. */
export type ExpressProbesMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * Express middleware that answers the probe endpoints and calls `next()` for every other
 * request, untouched.
 *
 * Mount it first, before body parsers, authentication, rate limiters and the 404 handler:
 * the kubelet sends no credentials, and a probe must never be refused, redirected or
 * counted against a limit. It answers on the raw node:http objects (`probes.handle`),
 * the fastest path, so `res.locals`, views and Express's own `res.send` are not involved.
 * Mounted under a path (`app.use('/ops', …)`) it sees the path below the mount point.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when `probes` is not a `createProbes()` result.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createProbes } from 'shipshape';
 * import { expressProbes } from 'shipshape/express';
 *
 * const probes = createProbes({ readiness: { api: async () => {} } });
 * const app = express();
 * app.use(expressProbes(probes));
 * app.get('/', (req, res) => { res.send('hello'); });
 * app.listen(3000);
 * ```
 */
export function expressProbes(probes: Probes): ExpressProbesMiddleware {
  expectProbes('probes', probes);
  return function expressProbes(req, res, next) {
    if (!probes.handle(req, res)) next();
  };
}
