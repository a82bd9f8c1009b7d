/**
 * node:http's side of the core request path: `probes.handle(req, res)`. Typed
 * structurally, so the core imports nothing from `node:http` and any compatible
 * request/response pair (Connect, Express, Koa's `ctx.req`/`ctx.res`, light-my-request)
 * works.
 */
import { LazyProbeRequest, respond, settledResponse, type ProbeEngine, type ProbeRequest, type ProbeResponse } from './respond.js';

/** The part of `http.IncomingMessage` the probes read. */
export interface NodeRequestLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: { readonly accept?: string | string[] | undefined };
}

/** The part of `http.ServerResponse` (and `http2.Http2ServerResponse`) the probes write. */
export interface NodeResponseLike {
  writeHead(status: number, headers: Record<string, string>): unknown;
  // two signatures, not `end(body?: string)`: Http2ServerResponse's first overload takes a callback
  end(): unknown;
  end(body: string): unknown;
}

/** Answers a probe request on `res` and returns `true`; returns `false` for any other request. */
export function handleNode(engine: ProbeEngine, req: NodeRequestLike, res: NodeResponseLike): boolean {
  // the URL read in place first: nothing is built for the app's own requests
  if (!engine.routes.mayMatch(req.url ?? '/')) return false;
  const request = nodeProbeRequest(req);
  const pending = respond(engine, request);
  if (!pending) return false;
  writeNodeResponse(res, request.method, pending);
  return true;
}

/** What the core reads of a node:http request (its headers only for a probe). */
export function nodeProbeRequest(req: NodeRequestLike): ProbeRequest {
  return new LazyProbeRequest(req.method ?? 'GET', req.url ?? '/', req, nodeAccept);
}

/**
 * Writes a probe's answer on `res`: at once when it is already known (the plain `ok` of a
 * probe without checks: no promise hop, so node:http sends it in the same tick as it parsed
 * the request), else when it settles. A write that throws (the client gone, headers already
 * sent by someone else) drops the socket; it never becomes an exception in the server's
 * `emit` or an unhandled rejection, either of which would end the app.
 */
export function writeNodeResponse(res: NodeResponseLike, method: string, pending: Promise<ProbeResponse>): void {
  const settled = settledResponse(pending);
  if (settled) writeOrDrop(res, method, settled);
  else void pending.then((response) => writeOrDrop(res, method, response));
}

// --- internal ---

function nodeAccept(req: NodeRequestLike): string | undefined {
  const accept = req.headers.accept;
  return Array.isArray(accept) ? accept.join(',') : accept;
}

function writeOrDrop(res: NodeResponseLike, method: string, response: ProbeResponse): void {
  try {
    // HEAD: the status and headers (Content-Length included) without a body (RFC 9110 §9.3.2)
    res.writeHead(response.status, response.headers as Record<string, string>);
    if (method === 'HEAD') res.end();
    else res.end(response.body);
  } catch {
    (res as { destroy?: () => void }).destroy?.();
  }
}
