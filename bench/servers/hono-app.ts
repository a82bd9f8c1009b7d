// Hono 4 on @hono/node-server: GET /app answers "app"; GET /livez is the framework's own
// route answering "ok" (baseline) or, with the `probes` argument, shipshape's honoProbes in front.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createProbes } from '../../src/index.js';
import { honoProbes } from '../../src/adapters/hono.js';
import { PROBE_HEADERS, WITH_PROBES } from './_probe-headers.js';

const app = new Hono();
if (WITH_PROBES) app.use(honoProbes(createProbes()));
app.get('/app', (c) => c.text('app'));
app.get('/livez', (c) => c.body('ok', 200, PROBE_HEADERS));
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`listening ${info.port}`));
