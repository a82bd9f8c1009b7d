// Fastify 5 with fastifyProbes, shut down by gracefulShutdown on the Fastify instance itself.
import Fastify from 'fastify';
import { fastifyProbes } from '../../../src/adapters/fastify.js';
import { gracefulShutdown } from '../../../src/core/shutdown/graceful-shutdown.js';
import { announce, body, probes, shutdownOptions, sleep, workMs } from './_common.js';

const app = Fastify();
await app.register(fastifyProbes, { probes });
app.get('/work', async (request, reply) => {
  await sleep(workMs(request.url));
  return reply.type('text/plain').send(body);
});
app.addHook('onClose', async () => {
  process.stderr.write('fastify onClose ran\n');
});
gracefulShutdown(app, shutdownOptions);
await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server.address());
