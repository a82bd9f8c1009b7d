/**
 * @module shipshape/node
 *
 * The node:http adapter: `http.createServer(withProbes(probes, handler))`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidOptionError } from '../core/errors.js';
import { describe } from '../core/options.js';
import type { Probes } from '../core/probes.js';
import { expectProbes } from './_expect-probes.js';

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
export function withProbes<Req extends IncomingMessage = IncomingMessage, Res extends ServerResponse<Req> = ServerResponse<Req>>(
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
