// Express 5 with attachProbes on the server app.listen gives, shut down by gracefulShutdown
// on the same server: its drain listener, prepended after the probes, still marks probe
// responses Connection: close.
import express from 'express';
import { attachProbes } from '../../../src/adapters/node.js';
import { gracefulShutdown } from '../../../src/core/shutdown/graceful-shutdown.js';
import { announce, body, probes, shutdownOptions, sleep, workMs } from './_common.js';

const app = express();
app.get('/work', async (req, res) => {
  await sleep(workMs(req.url));
  res.type('text/plain').send(body);
});
const server = app.listen(0, '127.0.0.1', () => announce(server.address()));
attachProbes(probes, server);
gracefulShutdown(server, shutdownOptions);
