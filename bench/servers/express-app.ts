// Express 5: GET /app answers "app"; GET /livez is the framework's own route answering "ok"
// (baseline) or, with the `probes` argument, shipshape's expressProbes in front.
import express from 'express';
import { createProbes } from '../../src/index.js';
import { expressProbes } from '../../src/adapters/express.js';
import { PROBE_HEADERS, WITH_PROBES } from './_probe-headers.js';

const app = express();
if (WITH_PROBES) app.use(expressProbes(createProbes()));
app.get('/app', (req, res) => { res.send('app'); });
app.get('/livez', (req, res) => { res.set(PROBE_HEADERS).send('ok'); });
const server = app.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as { port: number }).port}`));
