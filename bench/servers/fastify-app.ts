// Fastify 5: GET /app answers "app"; GET /livez is the framework's own route answering "ok"
// (baseline) or, with the `probes` argument, shipshape's fastifyProbes in front.
import Fastify from 'fastify';
import { createProbes } from '../../src/index.js';
import { fastifyProbes } from '../../src/adapters/fastify.js';
import { PROBE_HEADERS, WITH_PROBES } from './_probe-headers.js';

const app = Fastify();
if (WITH_PROBES) await app.register(fastifyProbes, { probes: createProbes() });
app.get('/app', async () => 'app');
app.get('/livez', async (req, reply) => reply.headers(PROBE_HEADERS).send('ok'));
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`listening ${(app.server.address() as { port: number }).port}`);
