// Fastify 5 with attachProbes on fastify.server, shut down by gracefulShutdown on the
// Fastify instance: probes keep answering while Fastify's close() refuses new requests.
import Fastify from 'fastify';
import { attachProbes } from '../../../src/adapters/node.js';
import { gracefulShutdown } from '../../../src/core/shutdown/graceful-shutdown.js';
import { announce, body, probes, shutdownOptions, sleep, workMs } from './_common.js';

const app = Fastify();
attachProbes(probes, app.server);
app.get('/work', async (request, reply) => {
  await sleep(workMs(request.url));
  return reply.type('text/plain').send(body);
});
gracefulShutdown(app, shutdownOptions);
await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server.address());
