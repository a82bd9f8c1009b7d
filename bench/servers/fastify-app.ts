// Fastify 5: GET /app answers "app"; GET /livez is the app's own route answering "ok", with
// shipshape's fastifyProbes, attachProbes or terminus in front of it depending on the mode (_mode.ts).
import Fastify from 'fastify';
import { fastifyProbes } from '../../src/adapters/fastify.js';
import { fastifyRoutesPlugin, fastifySendHook } from './_alternatives.js';
import { announce, MODE, onServer, PROBE_HEADERS, probes } from './_mode.js';

const app = Fastify();
if (MODE === 'adapter') await app.register(fastifyProbes, { probes });
if (MODE === 'alt') app.addHook('onRequest', fastifySendHook(probes));
// `noop` may come with `adapter` (bench/adapters.bench.ts): the adapter beside an app's own hook
if (process.argv.includes('noop')) app.addHook('onRequest', (request, reply, done) => done());
if (MODE === 'routes') await app.register(fastifyRoutesPlugin, { probes });
app.get('/app', async () => 'app');
// (not beside the probe routes of the `routes` mode: Fastify refuses a route twice)
if (MODE !== 'routes') app.get('/livez', async (req, reply) => reply.headers(PROBE_HEADERS).send('ok'));
onServer(app.server);
await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server);
