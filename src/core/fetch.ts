/**
 * The Web side of the core request path: `probes.fetch(request)`, for Web-standard
 * handlers (Next.js route handlers, Bun, Deno, Hono's `app.fetch`), and the one way a probe's
 * answer becomes a Web `Response` (also for `shipshape/fetch`).
 */
import { LazyProbeRequest, respond, type ProbeEngine, type ProbeResponse } from './respond.js';

/** Answers a probe `Request`, or resolves to `undefined` for any other request. */
export async function fetchProbe(engine: ProbeEngine, request: Request): Promise<Response | undefined> {
  const pending = respond(engine, new LazyProbeRequest(request.method, request.url, request, fetchAccept));
  if (!pending) return undefined;
  return toWebResponse(request.method, await pending, false);
}

/**
 * A probe's answer as a Web `Response`: `HEAD` gets the status and headers without the body
 * (RFC 9110 §9.3.2); `close` adds `Connection: close` (a draining server, RFC 9112 §9.6).
 */
export function toWebResponse(method: string, response: ProbeResponse, close: boolean): Response {
  const headers = close ? { ...response.headers, connection: 'close' } : response.headers;
  return new Response(method === 'HEAD' ? null : response.body, { status: response.status, headers });
}

// --- internal ---

/** Read for probes only: `@hono/node-server` builds a request's `Headers` on first read. */
function fetchAccept(request: Request): string | null {
  return request.headers.get('accept');
}
