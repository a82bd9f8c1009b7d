// node:http: GET /app answers "app"; every other path answers "ok" with the probe headers, as
// node-bare.ts does, with attachProbes or terminus in front of it depending on the mode (_mode.ts).
import http from 'node:http';
import { announce, onServer, PROBE_HEADERS } from './_mode.js';

const server = http.createServer((req, res) => {
  if (req.url === '/app') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('app');
  } else {
    res.writeHead(200, PROBE_HEADERS);
    res.end('ok');
  }
});
onServer(server);
server.listen(0, '127.0.0.1', () => announce(server));
