/**
 * `npm run demo`: a small node:http app on an embedded PostgreSQL (PGlite, in-process:
 * nothing to install), with probes, a background worker and a graceful shutdown on Ctrl-C.
 *
 * PORT=0 picks a free port (the demo test uses it); the default is 3000.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { createProbes, database, gracefulShutdown, NotReady } from '../src/index.js';
import { withProbes } from '../src/adapters/node.js';

const port = Number(process.env.PORT ?? 3000);
const db = new PGlite();
await db.exec('CREATE TABLE visits (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())');

// A worker: every second it prunes old visits. Its heartbeat feeds liveness: a stuck
// worker is what a restart fixes, so that is what /livez watches.
let lastTick = Date.now();
const worker = setInterval(async () => {
  await db.query("DELETE FROM visits WHERE at < now() - interval '1 hour'");
  lastTick = Date.now();
}, 1000);

// The "pause" switch simulates a database outage for the readiness probe.
let paused = false;

const probes = createProbes({
  readiness: {
    db: database(db),
    paused: async () => {
      if (paused) throw new NotReady('database paused by POST /db/pause');
    },
  },
  liveness: {
    worker: async () => {
      const age = Date.now() - lastTick;
      if (age > 10_000) throw new NotReady(`worker silent for ${age} ms`);
    },
  },
  logger: console,
  serviceId: 'shipshape-demo',
});

const app = http.createServer(
  withProbes(probes, async (req, res) => {
    if (req.method === 'POST' && req.url === '/db/pause') paused = true;
    if (req.method === 'POST' && req.url === '/db/resume') paused = false;
    await db.query('INSERT INTO visits DEFAULT VALUES');
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM visits');
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`hello from shipshape-demo: ${rows[0]?.n} visits in the last hour${paused ? ' (database paused)' : ''}\n`);
  }),
);

app.listen(port, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  console.log(`shipshape demo listening on ${base}

  curl -i ${base}/livez                   # 200 ok
  curl ${base}/readyz?verbose             # every check, one line each
  curl -H 'Accept: application/health+json' ${base}/readyz
  curl -X POST ${base}/db/pause           # then /readyz answers 503 with the reason
  curl -X POST ${base}/db/resume

Ctrl-C stops it cleanly: readiness fails first, then it drains and exits 0.`);
});

// Ctrl-C (SIGINT) or SIGTERM: readiness fails at once, the server keeps serving for
// delayMs (1 s here; 5 s by default, for the endpoints to drop the pod), drains what is in
// flight, then stops the worker and closes the database.
gracefulShutdown(app, {
  probes,
  delayMs: 1000,
  timeoutMs: 5000,
  logger: console,
  onShutdown: [() => clearInterval(worker), () => db.close()],
});
