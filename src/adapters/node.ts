/**
 * @module shipshape/node
 *
 * The node:http adapter: `http.createServer(withProbes(probes, handler))`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Probes } from '../core/probes.js';

/** A node:http request listener. */
export type RequestListener<Req extends IncomingMessage = IncomingMessage, Res extends ServerResponse<Req> = ServerResponse<Req>> = (
  req: Req,
  res: Res,
) => void;

/**
 * Wraps a node:http request listener so that probe requests are answered before it runs
 * (the handler never sees them) and every other request reaches it untouched. Without a
 * handler, other requests get `404`.
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
export function withProbes<Req extends IncomingMessage = IncomingMessage, Res extends ServerResponse<Req> = ServerResponse<Req>>(
  probes: Probes,
  handler?: RequestListener<Req, Res>,
): RequestListener<Req, Res> {
  return function shipshapeProbes(req, res) {
    if (probes.handle(req, res)) return;
    if (handler) handler(req, res);
    else {
      res.statusCode = 404;
      res.end();
    }
  };
}
