// Koa 3: GET /app answers "app"; GET /livez is the app's own route answering "ok"
// (baseline) or, with the `probes` argument, shipshape's koaProbes in front.
import Koa from 'koa';
import { createProbes } from '../../src/index.js';
import { koaProbes } from '../../src/adapters/koa.js';
import { PROBE_HEADERS, WITH_PROBES } from './_probe-headers.js';

const app = new Koa();
if (WITH_PROBES) app.use(koaProbes(createProbes()));
app.use((ctx) => {
  if (ctx.path === '/livez') {
    ctx.set(PROBE_HEADERS);
    ctx.body = 'ok';
  } else if (ctx.path === '/app') ctx.body = 'app';
});
const server = app.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as { port: number }).port}`));
