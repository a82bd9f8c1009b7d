/**
 * SPEC §9 on real Bun and Deno: the checks that take the app's client (postgres.js and
 * Bun's own `sql`, ioredis and node-redis, `bun:sqlite` and `node:sqlite`), the URL checks
 * (the drivers pg, mysql2, amqplib, nats and mqtt load there; redis and memcached speak for
 * themselves), `http`, `tcp` and the process checks pass against the real services
 * (test/_fixtures/runtimes/checks.mjs), and `probe --grpc` against a grpc-js health
 * service. The rest of the CLI under each runtime: cli.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { withProbes } from '../../src/adapters/node.js';
import { createProbes } from '../../src/index.js';
import { buildPackage, ROOT } from '../_helpers/build.js';
import { FIXTURES, findRuntime, requireRuntime, runToEnd, RUNTIME_NAMES, type Runtime, type RuntimeName } from '../_helpers/runtimes.js';
import { AMQP_PORT, MQTT_PORT, NATS_PORT, requireService } from '../_helpers/services.js';
import { addHealthService } from '../../src/grpc.js';
import { startGrpcServer, type GrpcServer } from '../_helpers/grpc.js';

const RUNTIMES = RUNTIME_NAMES.map((name) => [name, findRuntime(name)] as const);

/** The services the checks talk to, by the name of the check. */
const SERVICES: Record<string, readonly [string, number]> = {
  'postgres-js': ['postgresql', 5432],
  'postgres-bun-sql': ['postgresql', 5432],
  'postgres-url': ['postgresql', 5432],
  tcp: ['postgresql', 5432],
  'mysql-url': ['mariadb', 3306],
  'redis-ioredis': ['redis', 6379],
  'redis-node-redis': ['redis', 6379],
  'redis-url': ['redis', 6379],
  'memcached-url': ['memcached', 11211],
  'rabbitmq-url': ['rabbitmq', AMQP_PORT],
  'nats-url': ['nats', NATS_PORT],
  'mqtt-url': ['mosquitto', MQTT_PORT],
};

const COMMON = ['postgres-js', 'postgres-url', 'mysql-url', 'redis-ioredis', 'redis-node-redis', 'redis-url', 'memcached-url', 'rabbitmq-url', 'nats-url', 'mqtt-url', 'sqlite-node', 'sqlite-path', 'http', 'tcp'];
const PROCESS = ['event-loop-delay', 'memory-heap', 'memory-rss', 'disk-space'];
const OWN: Record<RuntimeName, string[]> = { bun: ['postgres-bun-sql', 'sqlite-bun'], deno: [] };

let target: http.Server;
let grpcTarget: GrpcServer;
let targetUrl = '';
let dir = '';

before(async () => {
  if (RUNTIMES.some(([, runtime]) => runtime)) buildPackage(['index.js']);
  target = http.createServer(withProbes(createProbes({ readiness: { db: () => {} } }), (req, res) => res.end('app')));
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  grpcTarget = await startGrpcServer((server) => addHealthService(server, createProbes({ readiness: { db: () => {} } })));
  dir = mkdtempSync(path.join(os.tmpdir(), 'shipshape-runtimes-'));
});

after(() => {
  target?.closeAllConnections();
  target?.close();
  grpcTarget?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

for (const [name, runtime] of RUNTIMES) {
  describe(`${runtime?.label ?? name}: the checks`, () => {
    const ready = async (t: TestContext, checks: readonly string[]): Promise<Runtime | undefined> => {
      if (!requireRuntime(t, name, runtime)) return undefined;
      for (const service of new Set(checks.map((check) => SERVICES[check]).filter((s) => s !== undefined))) {
        if (!(await requireService(t, service[0], service[1]))) return undefined;
      }
      return runtime;
    };

    for (const [label, checks] of [
      ["the app's clients, the URL checks, http and tcp", [...COMMON, ...OWN[name]]],
      ['the process checks', PROCESS],
    ] as const) {
      it(`passes ${label}: ${checks.join(', ')}`, async (t) => {
        const rt = await ready(t, checks);
        if (!rt) return;
        const sqlitePath = path.join(dir, `${name}.db`);
        // a database file made by this runtime's own SQLite (the path form opens it read-only)
        const made = await runToEnd(rt, path.join(FIXTURES, 'make-sqlite.mjs'), [sqlitePath]);
        assert.equal(made.status, 0, made.stderr);
        const run = await runToEnd(rt, path.join(FIXTURES, 'checks.mjs'), checks, { SQLITE_PATH: sqlitePath, HTTP_URL: `${targetUrl}/app` });
        assert.equal(run.status, 0, run.stderr);
        const report = JSON.parse(run.stdout) as { name: string; status: string; reason?: string }[];
        assert.deepEqual(report, checks.map((check) => ({ name: check, status: 'pass' })), run.stdout);
      });
    }

    it('fails a check with a short reason, never a crash: postgres on a closed port, sqlite on a missing file', async (t) => {
      const rt = await ready(t, []);
      if (!rt) return;
      const run = await runToEnd(rt, path.join(FIXTURES, 'checks.mjs'), ['postgres-url', 'sqlite-path'], {
        SHIPSHAPE_TEST_POSTGRES_URL: 'postgres://postgres@127.0.0.1:1/test',
        SQLITE_PATH: path.join(dir, 'missing.db'),
      });
      assert.equal(run.status, 0, run.stderr);
      const report = JSON.parse(run.stdout) as { name: string; status: string; reason: string }[];
      assert.deepEqual(report.map((check) => check.status), ['fail', 'fail']);
      assert.match(report[0]!.reason, /refused|ECONNREFUSED/i);
      assert.match(report[1]!.reason, /cannot open .*missing\.db/);
    });

    it('runs the CLI: shipshape probe --grpc asks a grpc-js health service over node:http2', async (t) => {
      const rt = await ready(t, []);
      if (!rt) return;
      const main = path.join(ROOT, 'dist/cli/main.js');
      const serving = await runToEnd(rt, main, ['probe', '--ready', '--grpc', `127.0.0.1:${grpcTarget.port}`]);
      assert.deepEqual([serving.status, serving.stdout, serving.stderr], [0, 'SERVING\n', '']);
      const unknown = await runToEnd(rt, main, ['probe', '--grpc', `127.0.0.1:${grpcTarget.port}`, '--service', 'nope']);
      assert.deepEqual([unknown.status, unknown.stderr], [1, `shipshape probe: 127.0.0.1:${grpcTarget.port}: Health/Check failed: NOT_FOUND: unknown service "nope"\n`]);
    });
  });
}
