// A Web-standard fetch handler with shipshape/fetch, as on Bun, Deno, workers or Node:
// `PORT=3000 node examples/fetch.mjs`, then curl localhost:3000/readyz
// On Bun: Bun.serve({ fetch }); on Deno: Deno.serve(fetch) (docs/runtimes.md). On Node.js,
// @hono/node-server's serve() runs any fetch handler.
import { serve } from '@hono/node-server';
import { createProbes, NotReady } from 'shipshape';
import { withProbes } from 'shipshape/fetch';

let queueConnected = false; // stands in for the app's own client: a pool, a queue, a cache
setTimeout(() => (queueConnected = true), 200);

const probes = createProbes({
  readiness: { queue: () => { if (!queueConnected) throw new NotReady('queue: not connected'); } },
});

// probes are answered before the handler runs; every other request reaches it untouched
const fetch = withProbes(probes, (request) => new Response('hello'));

serve({ fetch, port: Number(process.env.PORT ?? 3000) }, (info) => {
  console.log(`listening on http://localhost:${info.port}`);
});
