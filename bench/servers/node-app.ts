// node:http: GET /app answers "app"; every other path answers "ok" with the probe headers, as
// node-bare.ts does, behind withProbes (mode `adapter`), or with attachProbes or terminus on the
// server (modes `attach`, `terminus`; _mode.ts).
import http, { type RequestListener } from 'node:http';
import { withProbes } from '../../src/adapters/node.js';
import { announce, MODE, onServer, PROBE_HEADERS, probes } from './_mode.js';

const app: RequestListener = (req, res) => {
  if (req.url === '/app') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('app');
  } else {
    res.writeHead(200, PROBE_HEADERS);
    res.end('ok');
  }
};
const server = http.createServer(MODE === 'adapter' ? withProbes(probes, app) : app);
onServer(server);
server.listen(0, '127.0.0.1', () => announce(server));
