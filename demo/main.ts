/**
 * `npm run demo`: a small node:http app on an embedded PostgreSQL (PGlite, in-process:
 * nothing to install), with probes, metrics, a background worker and a graceful shutdown on
 * Ctrl-C, and the command line to try against it.
 *
 * The same PGlite is also served over PostgreSQL's wire protocol (pglite-socket). The
 * readiness check talks to it over that wire, as to any database server, in the background
 * (`intervalMs`): `POST /db/pause` stops the wire server, so the outage the probes report is
 * a refused connection, and `POST /db/resume` starts it again on the same port.
 * `shipshape wait4db` waits for it the same way, `GET /metrics` serves the probes' metrics
 * (prom-client), and the worker's liveness is served on a Unix socket
 * (`probes.listen({ socket })`), which is how `shipshape probe --socket` asks a process
 * without HTTP.
 *
 * PORT and PG_PORT pick the ports (0: free ones; the demo test uses them); the defaults are
 * 3000 and 5433.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { register } from 'prom-client';
import { createProbes, gracefulShutdown, NotReady, postgres } from '../src/index.js';
import { withProbes } from '../src/adapters/node.js';
import { prometheusMetrics } from '../src/prometheus.js';

const port = Number(process.env.PORT ?? 3000);
const pgPort = Number(process.env.PG_PORT ?? 5433);
const socket = path.join(tmpdir(), `shipshape-demo-${process.pid}.sock`);
const db = new PGlite();
await db.exec('CREATE TABLE visits (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())');
// several clients at once: the readiness check's own connection, wait4db, psql
const wire = new PGLiteSocketServer({ db, host: '127.0.0.1', port: pgPort, maxConnections: 8 });
await wire.start();
const wireAddress = wire.getServerConn(); // "127.0.0.1:5433", the port chosen when PG_PORT=0
const databaseUrl = `postgres://postgres@${wireAddress}/postgres`;
let paused = false;

// A worker: every second it prunes old visits. Its heartbeat feeds liveness: a stuck
// worker is what a restart fixes, so that is what /livez watches.
let lastTick = Date.now();
const worker = setInterval(async () => {
  await db.query("DELETE FROM visits WHERE at < now() - interval '1 hour'");
  lastTick = Date.now();
}, 1000);

// Readiness asks the database over the wire every second, in the background: /readyz,
// the kubelet, a load balancer and /metrics all read that one result.
const probes = createProbes({
  readiness: { db: postgres(databaseUrl, { intervalMs: 1000 }) },
  liveness: {
    worker: async () => {
      const age = Date.now() - lastTick;
      if (age > 10_000) throw new NotReady(`worker silent for ${age} ms`);
    },
  },
  logger: console,
  serviceId: 'shipshape-demo',
});
await probes.listen({ socket });
prometheusMetrics(probes);

const app = http.createServer(
  withProbes(probes, async (req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') {
      res.writeHead(200, { 'content-type': register.contentType });
      res.end(await register.metrics());
      return;
    }
    // a real outage: the wire server stops (its connections closed, new ones refused)
    if (req.method === 'POST' && req.url === '/db/pause' && !paused) {
      paused = true;
      await wire.stop();
    }
    if (req.method === 'POST' && req.url === '/db/resume' && paused) {
      await wire.start(); // the same port as before
      paused = false;
    }
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
  curl ${base}/metrics                    # shipshape_check_up, _probe_up, _check_runs_total, …
  curl -X POST ${base}/db/pause           # within a second /readyz answers 503: connection refused
  curl -X POST ${base}/db/resume

The command line against this app (npm run -s shipshape -- runs the CLI from src/):

  # an exec probe over HTTP: prints ok and exits 0 (1 while the database is paused)
  npm run -s shipshape -- probe --ready --url ${base}
  # the worker's own liveness, over its Unix socket (probes.listen)
  npm run -s shipshape -- probe --live --verbose --socket ${socket}
  # an init container's wait for the database (this PGlite, served on a port)
  npm run -s shipshape -- wait4db --database postgres://postgres@${wireAddress}/postgres --stable 2

Ctrl-C stops it cleanly: readiness fails first, then it drains and exits 0.`);
});

// Ctrl-C (SIGINT) or SIGTERM: readiness fails at once, the server keeps serving for
// delayMs (1 s here; 5 s by default, for the endpoints to drop the pod), drains what is in
// flight, then stops the worker and closes the database (probes.close() removes the socket).
gracefulShutdown(app, {
  probes,
  delayMs: 1000,
  timeoutMs: 5000,
  logger: console,
  onShutdown: [() => clearInterval(worker), () => wire.stop(), () => db.close()],
});
