// Hono 4 on @hono/node-server: GET /app answers "app"; GET /livez is the app's own route
// answering "ok", with shipshape's honoProbes, shipshape/fetch's withProbes, attachProbes or
// terminus in front of it depending on the mode (_mode.ts).
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { withProbes } from '../../src/adapters/fetch.js';
import { honoProbes } from '../../src/adapters/hono.js';
import { honoBodyMiddleware } from './_alternatives.js';
import { announce, MODE, onServer, PROBE_HEADERS, probes } from './_mode.js';

const app = new Hono();
if (MODE === 'adapter') app.use(honoProbes(probes));
if (MODE === 'alt') app.use(honoBodyMiddleware(probes));
if (MODE === 'noop') app.use((c, next) => next());
app.get('/app', (c) => c.text('app'));
app.get('/livez', (c) => c.body('ok', 200, PROBE_HEADERS));
const server = serve({ fetch: MODE === 'fetch' ? withProbes(probes, app.fetch) : app.fetch, port: 0, hostname: '127.0.0.1' }, () => announce(server)) as Server;
onServer(server);
