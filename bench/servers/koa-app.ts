// Koa 3: GET /app answers "app"; GET /livez is the app's own answer "ok", with shipshape's
// koaProbes, attachProbes or terminus in front of it depending on the mode (_mode.ts).
import Koa from 'koa';
import { koaProbes } from '../../src/adapters/koa.js';
import { koaRawMiddleware } from './_alternatives.js';
import { announce, MODE, onServer, PROBE_HEADERS, probes } from './_mode.js';

const app = new Koa();
if (MODE === 'adapter') app.use(koaProbes(probes));
if (MODE === 'alt') app.use(koaRawMiddleware(probes));
if (MODE === 'noop') app.use((ctx, next) => next());
app.use((ctx) => {
  if (ctx.path === '/livez') {
    ctx.set(PROBE_HEADERS);
    ctx.body = 'ok';
  } else if (ctx.path === '/app') ctx.body = 'app';
});
const server = app.listen(0, '127.0.0.1', () => announce(server));
onServer(server);
