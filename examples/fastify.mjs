// Fastify 5 with shipshape: `PORT=3000 node examples/fastify.mjs`, then curl localhost:3000/readyz
import Fastify from 'fastify';
import { createProbes, NotReady } from 'shipshape';
import { fastifyProbes } from 'shipshape/fastify';

let queueConnected = false; // stands in for the app's own client: a pool, a queue, a cache
setTimeout(() => (queueConnected = true), 200);

const probes = createProbes({
  readiness: { queue: () => { if (!queueConnected) throw new NotReady('queue: not connected'); } },
});

const app = Fastify();
await app.register(fastifyProbes, { probes }); // answers in onRequest, for every route
app.addHook('onClose', () => probes.close()); // the app owns the probes
app.get('/', async () => 'hello');

// 0.0.0.0: Fastify listens on localhost only by default, which the kubelet cannot reach
await app.listen({ port: Number(process.env.PORT ?? 3000), host: '0.0.0.0' });
console.log(`listening on http://localhost:${app.server.address().port}`);
