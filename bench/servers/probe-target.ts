// The process `shipshape probe --socket` and `--url` ask in the start-up bench: probes on
// an HTTP port and on the Unix socket given as the first argument.
import http from 'node:http';
import { createProbes } from '../../src/index.js';
import { withProbes } from '../../src/adapters/node.js';

const probes = createProbes();
await probes.listen({ socket: process.argv[2]! });
const server = http.createServer(withProbes(probes, (_req, res) => res.end('app')));
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as { port: number }).port}`));
