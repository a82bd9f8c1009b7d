// The readiness storm of peers.bench.ts: node:http with /readyz behind one library (the first
// argument: `shipshape`, withProbes, or `terminus`), whose one check takes 20 ms and counts
// its runs; `background` is shipshape with the check in the background every second
// (intervalMs: 1000, background.bench.ts). GET /stats answers `{"runs":N,"maxConcurrent":M}` since the last /stats, once no
// run is left over from the load before it.
import http, { type RequestListener } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTerminus } from '@godaddy/terminus';
import { createProbes } from '../../src/index.js';
import { withProbes } from '../../src/adapters/node.js';
import { announce } from './_mode.js';

let running = 0;
let runs = 0;
let maxConcurrent = 0;

async function slowCheck(): Promise<void> {
  runs += 1;
  running += 1;
  maxConcurrent = Math.max(maxConcurrent, running);
  try {
    await sleep(20);
  } finally {
    running -= 1;
  }
}

const app: RequestListener = async (req, res) => {
  if (req.url !== '/stats') {
    res.writeHead(404).end();
    return;
  }
  while (running > 0) await sleep(5);
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ runs, maxConcurrent }));
  runs = 0;
  maxConcurrent = 0;
};

const library = process.argv[2];
const readiness = library === 'background' ? { slow: { run: slowCheck, intervalMs: 1000 } } : { slow: slowCheck };
const server = http.createServer(library === 'shipshape' || library === 'background' ? withProbes(createProbes({ readiness }), app) : app);
if (library === 'terminus') createTerminus(server, { healthChecks: { '/readyz': slowCheck }, signals: [] });
server.listen(0, '127.0.0.1', () => announce(server));
