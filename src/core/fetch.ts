/**
 * The Web side of the core request path: `probes.fetch(request)`, for Web-standard
 * handlers (Next.js route handlers, Bun, Deno, Hono's `app.fetch`).
 */
import { pathAndQuery } from './internal/url.js';
import { respond, type ProbeEngine } from './respond.js';

/** Answers a probe `Request`, or resolves to `undefined` for any other request. */
export async function fetchProbe(engine: ProbeEngine, request: Request): Promise<Response | undefined> {
  const pending = respond(engine, { method: request.method, url: pathAndQuery(request.url), accept: request.headers.get('accept') });
  if (!pending) return undefined;
  const response = await pending;
  return new Response(request.method === 'HEAD' ? null : response.body, { status: response.status, headers: response.headers });
}
