// Koa 3 with koaProbes, shut down by gracefulShutdown on the server app.listen gives.
import Koa from 'koa';
import { koaProbes } from '../../../src/adapters/koa.js';
import { gracefulShutdown } from '../../../src/core/shutdown/graceful-shutdown.js';
import { announce, body, probes, shutdownOptions, sleep, workMs } from './_common.js';

const app = new Koa();
app.use(koaProbes(probes));
app.use(async (ctx) => {
  if (ctx.path !== '/work') return;
  await sleep(workMs(ctx.url));
  ctx.type = 'text/plain';
  ctx.body = body;
});
const server = app.listen(0, '127.0.0.1', () => announce(server.address()));
gracefulShutdown(server, shutdownOptions);
