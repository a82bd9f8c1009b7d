// Hono 4 on @hono/node-server with honoProbes, shut down by gracefulShutdown on the server serve gives.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { honoProbes } from '../../../src/adapters/hono.js';
import { gracefulShutdown } from '../../../src/core/shutdown/graceful-shutdown.js';
import { announce, body, probes, shutdownOptions, sleep, workMs } from './_common.js';

const app = new Hono();
app.use(honoProbes(probes));
app.get('/work', async (c) => {
  await sleep(workMs(c.req.url));
  return c.text(body);
});
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => announce(info));
gracefulShutdown(server, shutdownOptions);
