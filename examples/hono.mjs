// Hono 4 on Node.js with shipshape: `PORT=3000 node examples/hono.mjs`, then curl localhost:3000/readyz
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createProbes, NotReady } from 'shipshape';
import { honoProbes } from 'shipshape/hono';

let queueConnected = false; // stands in for the app's own client: a pool, a queue, a cache
setTimeout(() => (queueConnected = true), 200);

const probes = createProbes({
  readiness: { queue: () => { if (!queueConnected) throw new NotReady('queue: not connected'); } },
});

const app = new Hono();
app.use(honoProbes(probes)); // first: before other middleware and routes
app.get('/', (c) => c.text('hello'));

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) }, (info) => {
  console.log(`listening on http://localhost:${info.port}`);
});
