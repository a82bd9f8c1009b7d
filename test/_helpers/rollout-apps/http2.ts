// node:http2 (h2c) with withProbes on the compatibility API, shut down by gracefulShutdown.
import http2 from 'node:http2';
import { withProbes } from '../../../src/adapters/node.js';
import { gracefulShutdown } from '../../../src/core/shutdown/graceful-shutdown.js';
import { announce, body, probes, shutdownOptions, sleep, workMs } from './_common.js';

const server = http2.createServer(
  withProbes<http2.Http2ServerRequest>(probes, async (req, res) => {
    await sleep(workMs(req.url));
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(body);
  }),
);
gracefulShutdown(server, shutdownOptions);
server.listen(0, '127.0.0.1', () => announce(server.address()));
