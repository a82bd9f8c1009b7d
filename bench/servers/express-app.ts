// Express 5: GET /app answers "app"; GET /livez is the app's own route answering "ok", with
// shipshape's expressProbes, attachProbes or terminus in front of it depending on the mode (_mode.ts).
import express from 'express';
import { expressProbes } from '../../src/adapters/express.js';
import { announce, MODE, onServer, PROBE_HEADERS, probes } from './_mode.js';

const app = express();
if (MODE === 'adapter') app.use(expressProbes(probes));
if (MODE === 'noop') app.use((req, res, next) => next());
app.get('/app', (req, res) => { res.send('app'); });
app.get('/livez', (req, res) => { res.set(PROBE_HEADERS).send('ok'); });
const server = app.listen(0, '127.0.0.1', () => announce(server));
onServer(server);
