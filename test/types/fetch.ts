/**
 * Type tests of shipshape/fetch, checked by `npm run typecheck` (never run): the wrapped
 * handler keeps the handler's own signature, whatever the runtime passes beside the request.
 */
import { Hono } from 'hono';
import { createProbes } from '../../src/index.js';
import { withProbes } from '../../src/adapters/fetch.js';

const probes = createProbes();
const app = new Hono();

// Hono's app.fetch, as a worker's default export and with its (request, env, ctx)
export default { fetch: withProbes(probes, app.fetch) };
const hono = withProbes(probes, app.fetch);
const answered: Response | Promise<Response> = hono(new Request('http://localhost/'), { KEY: 'value' }, undefined);
void answered;

// Bun.serve's fetch: `this` is the server, and it comes second too
interface ServerLike { upgrade(request: Request): boolean }
const bun = withProbes(probes, function (this: ServerLike, request: Request, server: ServerLike) {
  return server.upgrade(request) ? undefined : new Response('hello');
});
const server: ServerLike = { upgrade: () => false };
const result: Response | Promise<Response> | undefined = bun.call(server, new Request('http://localhost/'), server);
void result;

// without a handler: probes only, 404 for the rest
const bare: Response | Promise<Response> = withProbes(probes)(new Request('http://localhost/'));
void bare;

// @ts-expect-error — the second argument of Bun's handler is its server, not a string
bun.call(server, new Request('http://localhost/'), 'server');
// @ts-expect-error — a handler is a function
withProbes(probes, 'app');
// @ts-expect-error — the probes come first
withProbes(app.fetch);
