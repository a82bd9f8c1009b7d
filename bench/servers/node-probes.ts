// Candidate: the same server behind withProbes; /livez is answered by shipshape.
import http from 'node:http';
import { createProbes } from '../../src/index.js';
import { withProbes } from '../../src/adapters/node.js';

const probes = createProbes();
const server = http.createServer(
  withProbes(probes, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('app');
  }),
);
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as { port: number }).port}`));
