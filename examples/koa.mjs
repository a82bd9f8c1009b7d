// Koa (2 or 3) with shipshape: `PORT=3000 node examples/koa.mjs`, then curl localhost:3000/readyz
import Koa from 'koa';
import { createProbes, NotReady } from 'shipshape';
import { koaProbes } from 'shipshape/koa';

let queueConnected = false; // stands in for the app's own client: a pool, a queue, a cache
setTimeout(() => (queueConnected = true), 200);

const probes = createProbes({
  readiness: { queue: () => { if (!queueConnected) throw new NotReady('queue: not connected'); } },
});

const app = new Koa();
app.use(koaProbes(probes)); // first: before body parsers, auth and routers
app.use((ctx) => { ctx.body = 'hello'; });

const server = app.listen(Number(process.env.PORT ?? 3000), () => {
  console.log(`listening on http://localhost:${server.address().port}`);
});
