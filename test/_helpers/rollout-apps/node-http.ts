// node:http with withProbes, shut down by gracefulShutdown.
import http from 'node:http';
import { withProbes } from '../../../src/adapters/node.js';
import { gracefulShutdown } from '../../../src/core/shutdown/graceful-shutdown.js';
import { announce, body, probes, shutdownOptions, sleep, workMs } from './_common.js';

const server = http.createServer(
  withProbes(probes, async (req, res) => {
    if (req.url?.startsWith('/stream')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('streaming ');
      await sleep(workMs(req.url));
      res.end(body);
      return;
    }
    await sleep(workMs(req.url));
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(body);
  }),
);
gracefulShutdown(server, shutdownOptions);
server.listen(0, '127.0.0.1', () => announce(server.address()));
