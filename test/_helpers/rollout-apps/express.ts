// Express 5 with expressProbes, shut down by gracefulShutdown on the server app.listen gives.
import express from 'express';
import { expressProbes } from '../../../src/adapters/express.js';
import { gracefulShutdown } from '../../../src/core/shutdown/graceful-shutdown.js';
import { announce, body, probes, shutdownOptions, sleep, workMs } from './_common.js';

const app = express();
app.use(expressProbes(probes));
app.get('/work', async (req, res) => {
  await sleep(workMs(req.url));
  res.type('text/plain').send(body);
});
const server = app.listen(0, '127.0.0.1', () => announce(server.address()));
gracefulShutdown(server, shutdownOptions);
