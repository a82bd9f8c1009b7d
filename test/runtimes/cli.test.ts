/**
 * SPEC §9 on real Bun and Deno: the CLI (the built dist/cli/main.js) runs under `bun` and
 * `deno run -A`, as an exec probe does in an image with no `node`, also as the docs write it
 * (`deno run -A npm:shipshape` in a project that installed it): `probe --url` against a
 * server, `probe --socket` against a worker serving `probes.listen({ socket })` under the same
 * runtime (test/_fixtures/runtimes/socket-worker.mjs), `wait4` and `wait4db` against the real
 * PostgreSQL, MariaDB and Redis; each with its exit codes 0, 1 and 2.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { withProbes } from '../../src/adapters/node.js';
import { createProbes } from '../../src/index.js';
import { buildPackage, ROOT } from '../_helpers/build.js';
import { findRuntime, requireRuntime, runToEnd, RUNTIME_NAMES, startRuntimeApp, type Runtime, type RuntimeApp } from '../_helpers/runtimes.js';
import { MYSQL_URL, POSTGRES_URL, REDIS_URL, requireService } from '../_helpers/services.js';

const RUNTIMES = RUNTIME_NAMES.map((name) => [name, findRuntime(name)] as const);
const MAIN = path.join(ROOT, 'dist/cli/main.js');
const FAST = ['--stable', '0.3', '--interval', '0.3'];

let target: http.Server;
let targetUrl = '';
let dir = '';

before(async () => {
  if (RUNTIMES.some(([, runtime]) => runtime)) buildPackage(['index.js', 'cli/main.js']);
  target = http.createServer(withProbes(createProbes({ readiness: { db: () => {} } }), (req, res) => res.end('app')));
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  dir = mkdtempSync(path.join(os.tmpdir(), 'ss-rt-cli-'));
});

after(() => {
  target?.closeAllConnections();
  target?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

for (const [name, runtime] of RUNTIMES) {
  describe(`${runtime?.label ?? name}: the CLI`, () => {
    const ready = async (t: TestContext, services: readonly (readonly [string, number])[] = []): Promise<Runtime | undefined> => {
      if (!requireRuntime(t, name, runtime)) return undefined;
      for (const [service, port] of services) if (!(await requireService(t, service, port))) return undefined;
      return runtime;
    };
    const cli = (rt: Runtime, args: readonly string[], env: Record<string, string> = {}): ReturnType<typeof runToEnd> => runToEnd(rt, MAIN, args, env);

    it('probe --url answers 0, 1 for a failing probe, 2 for a bad flag', async (t) => {
      const rt = await ready(t);
      if (!rt) return;
      const passing = await cli(rt, ['probe', '--ready', '--verbose', '--url', `${targetUrl}/`]);
      assert.deepEqual([passing.status, passing.stdout, passing.stderr], [0, '[+]db ok\nreadyz check passed\n', '']);
      const failing = await cli(rt, ['probe', '--live', '--url', 'http://127.0.0.1:1/']);
      assert.equal(failing.status, 1);
      assert.match(failing.stderr, /connection refused/);
      const usage = await cli(rt, ['probe', '--bogus']);
      assert.equal(usage.status, 2);
      assert.match(usage.stderr, /unknown option --bogus/);
    });

    it(`runs as docs/runtimes.md writes it, in a project that installed shipshape: ${name === 'bun' ? 'bun node_modules/shipshape/dist/cli/main.js' : 'deno run -A npm:shipshape'} …`, async (t) => {
      const rt = await ready(t);
      if (!rt) return;
      const project = installedProject();
      const script = name === 'bun' ? 'node_modules/shipshape/dist/cli/main.js' : 'npm:shipshape';
      const run = await runToEnd(rt, script, ['probe', '--ready', '--verbose', '--url', targetUrl], {}, { cwd: project });
      assert.deepEqual([run.status, run.stdout, run.stderr], [0, '[+]db ok\nreadyz check passed\n', '']);
    });

    describe('probe --socket, a worker on the same runtime serving probes.listen({ socket })', () => {
      let worker: RuntimeApp | undefined;
      const socket = (): string => path.join(dir, `${name}.sock`);
      const start = async (t: TestContext): Promise<Runtime | undefined> => {
        const rt = await ready(t);
        if (rt) worker ??= await startRuntimeApp(rt, 'socket-worker.mjs', [socket()]);
        return rt;
      };
      after(() => worker?.kill());

      it('answers 0 with the worker’s own listing, 1 when it fails (credentials redacted)', async (t) => {
        const rt = await start(t);
        if (!rt) return;
        const live = await cli(rt, ['probe', '--live', '--socket', socket()]);
        assert.deepEqual([live.status, live.stdout, live.stderr], [0, 'ok\n', '']);
        const passing = await cli(rt, ['probe', '--ready', '--verbose'], { SHIPSHAPE_SOCKET: socket() });
        assert.deepEqual([passing.status, passing.stdout, passing.stderr], [0, '[+]queue ok\nreadyz check passed\n', '']);
        writeFileSync(`${socket()}.down`, '');
        try {
          const failing = await cli(rt, ['probe', '--ready', '--socket', socket()]);
          assert.deepEqual([failing.status, failing.stdout], [1, '[-]queue failed: queue: not connected to amqp://***@mq:5672\nreadyz check failed\n']);
        } finally {
          rmSync(`${socket()}.down`, { force: true });
        }
      });

      it('fails a socket nobody serves (exit 1), and takes only one way of asking (exit 2)', async (t) => {
        const rt = await start(t);
        if (!rt) return;
        const missing = await cli(rt, ['probe', '--live', '--socket', path.join(dir, 'missing.sock')]);
        assert.deepEqual([missing.status, missing.stdout], [1, '']);
        assert.match(missing.stderr, /missing\.sock: no such socket/);
        const both = await cli(rt, ['probe', '--live', '--socket', socket(), '--url', targetUrl]);
        assert.equal(both.status, 2);
        assert.match(both.stderr, /--socket and --url/);
      });
    });

    it('wait4 postgres:// redis:// exits 0 once both answer, 1 at --timeout naming each (no credentials), 2 for a bad target', async (t) => {
      const rt = await ready(t, [['postgresql', 5432], ['redis', 6379]]);
      if (!rt) return;
      const up = await cli(rt, ['wait4', POSTGRES_URL, REDIS_URL, ...FAST, '--timeout', '20']);
      assert.equal(up.status, 0, up.stderr);
      assert.match(up.stdout, new RegExp(`^${escape(redacted(POSTGRES_URL))} is ready \\(stable for 0\\.3 s after [\\d.]+ s\\)$`, 'm'));
      assert.match(up.stdout, new RegExp(`^${escape(REDIS_URL)} is ready`, 'm'));
      const down = await cli(rt, ['wait4', 'postgres://app:s3cret-pw@127.0.0.1:1/test', 'redis://127.0.0.1:1', ...FAST, '--timeout', '1']);
      assert.equal(down.status, 1, down.stderr);
      assert.match(down.stdout, /^postgres:\/\/\*\*\*@127\.0\.0\.1:1\/test is not ready after 1 s: ECONNREFUSED/m);
      assert.match(down.stdout, /^redis:\/\/127\.0\.0\.1:1 is not ready after 1 s: ECONNREFUSED/m);
      assert.doesNotMatch(down.stdout + down.stderr, /s3cret-pw/);
      const usage = await cli(rt, ['wait4', 'ftp://127.0.0.1']);
      assert.equal(usage.status, 2);
      assert.match(usage.stderr, /unknown scheme \(ftp:\/\/\)/);
    });

    it('wait4db: PostgreSQL from --database, MariaDB from $DATABASE_URL (exit 0), 1 at --timeout, 2 for a bad flag', async (t) => {
      const rt = await ready(t, [['postgresql', 5432], ['mariadb', 3306]]);
      if (!rt) return;
      const postgres = await cli(rt, ['wait4db', '--database', POSTGRES_URL, ...FAST]);
      assert.equal(postgres.status, 0, postgres.stderr);
      assert.match(postgres.stdout, /is ready \(stable for 0\.3 s/);
      const mysql = await cli(rt, ['wait4db', ...FAST], { DATABASE_URL: MYSQL_URL });
      assert.equal(mysql.status, 0, mysql.stderr);
      assert.match(mysql.stdout, new RegExp(`^${escape(redacted(MYSQL_URL))} is ready`, 'm'));
      const down = await cli(rt, ['wait4db', '--database', 'mysql://root@127.0.0.1:1/test', ...FAST, '--timeout', '1']);
      assert.equal(down.status, 1, down.stderr);
      assert.match(down.stdout, /is not ready after 1 s: ECONNREFUSED/);
      const usage = await cli(rt, ['wait4db', '--database', POSTGRES_URL, '--timeout', '0']);
      assert.equal(usage.status, 2);
      assert.match(usage.stderr, /--timeout must be a number of seconds above 0/);
    });
  });
}

/** A project with shipshape installed (the built package copied into its node_modules), made once; its directory. */
function installedProject(): string {
  const project = path.join(dir, 'project');
  if (existsSync(project)) return project;
  const installed = path.join(project, 'node_modules/shipshape');
  mkdirSync(installed, { recursive: true });
  cpSync(path.join(ROOT, 'dist'), path.join(installed, 'dist'), { recursive: true });
  cpSync(path.join(ROOT, 'package.json'), path.join(installed, 'package.json'));
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ private: true, dependencies: { shipshape: '*' } }));
  return project;
}

/** A URL as the CLI prints it: credentials replaced by `***`. */
function redacted(url: string): string {
  return url.replace(/\/\/[^@/]+@/, '//***@');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
