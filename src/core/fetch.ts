/**
 * The Web side of the core request path: `probes.fetch(request)`, for Web-standard
 * handlers (Next.js route handlers, Bun, Deno, Hono's `app.fetch`).
 */
import { pathAndQuery } from './internal/url.js';
import { LazyProbeRequest, respond, type ProbeEngine } from './respond.js';

/** Answers a probe `Request`, or resolves to `undefined` for any other request. */
export async function fetchProbe(engine: ProbeEngine, request: Request): Promise<Response | undefined> {
  const pending = respond(engine, new LazyProbeRequest(request.method, pathAndQuery(request.url), request, fetchAccept));
  if (!pending) return undefined;
  const response = await pending;
  return new Response(request.method === 'HEAD' ? null : response.body, { status: response.status, headers: response.headers });
}

// --- internal ---

/** Read for probes only: `@hono/node-server` builds a request's `Headers` on first read. */
function fetchAccept(request: Request): string | null {
  return request.headers.get('accept');
}
