/**
 * The Web side of the core request path: `probes.fetch(request)`, for Web-standard
 * handlers (Next.js route handlers, Bun, Deno, Hono's `app.fetch`).
 */
import { respond, type ProbeEngine } from './respond.js';

/** Answers a probe `Request`, or resolves to `undefined` for any other request. */
export async function fetchProbe(engine: ProbeEngine, request: Request): Promise<Response | undefined> {
  const url = new URL(request.url);
  const pending = respond(engine, { method: request.method, url: url.pathname + url.search, accept: request.headers.get('accept') });
  if (!pending) return undefined;
  const response = await pending;
  return new Response(request.method === 'HEAD' ? null : response.body, { status: response.status, headers: response.headers });
}
