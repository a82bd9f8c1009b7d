/**
 * node:http's side of the core request path: `probes.handle(req, res)`. Typed
 * structurally, so the core imports nothing from `node:http` and any compatible
 * request/response pair (Connect, Express, Koa's `ctx.req`/`ctx.res`, light-my-request)
 * works.
 */
import { pathAndQuery } from './internal/url.js';
import { respond, type ProbeEngine } from './respond.js';

/** The part of `http.IncomingMessage` the probes read. */
export interface NodeRequestLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: { readonly accept?: string | string[] | undefined };
}

/** The part of `http.ServerResponse` the probes write. */
export interface NodeResponseLike {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: string): unknown;
}

/** Answers a probe request on `res` and returns `true`; returns `false` for any other request. */
export function handleNode(engine: ProbeEngine, req: NodeRequestLike, res: NodeResponseLike): boolean {
  const method = req.method ?? 'GET';
  const accept = req.headers.accept;
  const pending = respond(engine, {
    method,
    url: pathAndQuery(req.url ?? '/'),
    accept: Array.isArray(accept) ? accept.join(',') : accept,
  });
  if (!pending) return false;
  pending
    .then((response) => {
      // HEAD: the status and headers (Content-Length included) without a body (RFC 9110 §9.3.2)
      res.writeHead(response.status, response.headers as Record<string, string>);
      res.end(method === 'HEAD' ? undefined : response.body);
    })
    // A write that throws (the client gone, headers already sent by someone else) must not
    // become an unhandled rejection, which would end the app: the socket is dropped instead.
    .catch(() => (res as { destroy?: () => void }).destroy?.());
  return true;
}
