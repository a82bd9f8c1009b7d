// node:http with withProbes, whose readiness is one check: `background` (the first argument)
// runs it every second in the background (intervalMs: 1000), so /readyz reads its latest
// result; `on-request` runs it on every /readyz (intervalMs 0, the default). The check itself
// is a resolved promise: what is measured is the request path, not the dependency. /livez has
// no check. Everything else is 404.
import http from 'node:http';
import { createProbes } from '../../src/index.js';
import { withProbes } from '../../src/adapters/node.js';
import { announce } from './_mode.js';

const intervalMs = process.argv[2] === 'background' ? 1000 : 0;
const probes = createProbes({ readiness: { db: { intervalMs, run: async () => {} } } });
const server = http.createServer(
  withProbes(probes, (req, res) => {
    res.statusCode = 404;
    res.end();
  }),
);
server.listen(0, '127.0.0.1', () => announce(server));
