// A Web-standard fetch handler with shipshape, as in Next.js route handlers, Bun or Deno:
// `PORT=3000 node examples/fetch.mjs`, then curl localhost:3000/readyz
// On Bun: Bun.serve({ fetch: handler }); on Deno: Deno.serve(handler). On Node.js,
// @hono/node-server's serve() runs any fetch handler.
import { serve } from '@hono/node-server';
import { createProbes, NotReady } from 'shipshape';

let queueConnected = false; // stands in for the app's own client: a pool, a queue, a cache
setTimeout(() => (queueConnected = true), 200);

const probes = createProbes({
  readiness: { queue: () => { if (!queueConnected) throw new NotReady('queue: not connected'); } },
});

async function handler(request) {
  return (await probes.fetch(request)) ?? new Response('hello');
}

serve({ fetch: handler, port: Number(process.env.PORT ?? 3000) }, (info) => {
  console.log(`listening on http://localhost:${info.port}`);
});
