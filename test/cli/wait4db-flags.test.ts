/**
 * `shipshape wait4db` (and `wait4`, which shares the flags) through the real binary: every
 * flag and its validation, `--help`, `--quiet`, a driver that is not installed, and
 * SIGTERM/SIGINT during the wait.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { FLAGS as WAIT4_FLAGS } from '../../src/cli/commands/wait4.js';
import { FLAGS as WAIT4DB_FLAGS } from '../../src/cli/commands/wait4db.js';
import { ROOT } from '../_helpers/build.js';
import { shipshape, startShipshape, TSX } from '../_helpers/cli.js';
import { waitForStderr } from '../_helpers/cli-output.js';
import { AMQP_URL, MQTT_URL, MYSQL_URL, NATS_URL, POSTGRES_URL, REDIS_URL, requireService } from '../_helpers/services.js';
import { refusedPort, startBlackhole } from '../_helpers/sockets.js';
import { linesOf, notReady } from '../_helpers/wait4.js';

const URL_ARGS = ['-d', 'postgres://postgres@127.0.0.1:1/test'];

describe('wait4db and wait4 flags', () => {
  test('a bad duration, an unknown flag or a stray argument is exit 2 with one line, before any attempt', async () => {
    const cases: [string[], RegExp][] = [
      [['--timeout', '0'], /--timeout must be a number of seconds above 0 \(decimals allowed\), got "0"/],
      [['--stable=-1'], /--stable must be a number of seconds above 0 \(decimals allowed\), got "-1"/],
      [['--stable', '-1'], /option --stable needs a value \(one that starts with "-" is written --stable=-…\)/],
      [['--interval', 'abc'], /--interval must be a number of seconds above 0 \(decimals allowed\), got "abc"/],
      [['--interval', '1e3'], /--interval must be a number of seconds above 0/],
      [['--timeout'], /option --timeout needs a value/],
      [['--quiet=yes'], /option --quiet takes no value/],
      [['--frobnicate'], /unknown option --frobnicate/],
      [['--stable', '10', '--timeout', '10'], /--stable \(10 s\) must be shorter than --timeout \(10 s\): nothing could be stable in time/],
      [['postgres://postgres:hunter2hunter2@db/app'], /unexpected argument: this command takes options only/],
    ];
    const runs = await Promise.all(cases.map(([args]) => shipshape(['wait4db', ...URL_ARGS, ...args])));
    for (const [index, run] of runs.entries()) {
      const [args, message] = cases[index]!;
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^shipshape wait4db: [^\n]+ \(see shipshape wait4db --help\)\n$/, args.join(' '));
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stderr, /hunter2/);
    }
    // wait4 validates the same flags the same way
    const wait4 = await shipshape(['wait4', 'tcp://127.0.0.1:1', '--interval', '0']);
    assert.equal(wait4.status, 2);
    assert.equal(wait4.stderr, 'shipshape wait4: --interval must be a number of seconds above 0 (decimals allowed), got "0" (see shipshape wait4 --help)\n');
  });

  test('--help shows every flag with its default, and the line formats', async () => {
    const db = await shipshape(['wait4db', '--help']);
    assert.equal(db.status, 0);
    assert.match(db.stdout, /^Usage: shipshape wait4db \[--database URL\] \[--timeout 180\] \[--stable 5\] \[--interval 1\] \[--quiet\] \[--config FILE\]\n/);
    for (const flag of Object.keys(WAIT4DB_FLAGS)) assert.match(db.stdout, new RegExp(`--${flag}\\b`), flag);
    assert.match(db.stdout, /is ready \(stable for 5 s after/);
    const wait4 = await shipshape(['help', 'wait4']);
    assert.equal(wait4.status, 0);
    assert.match(wait4.stdout, /^Usage: shipshape wait4 TARGET\.\.\. \[--timeout 180\] \[--stable 5\] \[--interval 1\] \[--quiet\]\n/);
    for (const flag of Object.keys(WAIT4_FLAGS)) assert.match(wait4.stdout, new RegExp(`--${flag}\\b`), flag);
    const all = await shipshape(['--help']);
    assert.match(all.stdout, /^ {2}wait4db +wait until the database answers/m);
    assert.match(all.stdout, /^ {2}wait4 +wait until /m);
  });

  test('--quiet leaves the result line on stdout and nothing on stderr, ready or not', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const ready = await shipshape(['wait4db', '-d', POSTGRES_URL, '--quiet', '--stable', '0.3', '--interval', '0.1']);
    assert.equal(ready.status, 0);
    assert.equal(ready.stderr, '');
    assert.match(ready.stdout, /^postgres:\/\/\*\*\*@127\.0\.0\.1:5432\/test is ready \(stable for 0\.3 s after \d+\.\d s\)\n$/);
    const port = await refusedPort();
    const failed = await shipshape(['wait4db', '-d', `postgres://postgres@127.0.0.1:${port}/test`, '--quiet', '--timeout', '0.5', '--stable', '0.2', '--interval', '0.1']);
    assert.equal(failed.status, 1);
    assert.equal(failed.stderr, '');
    assert.deepEqual(notReady(failed.stdout).map((line) => [line.target, line.cause]), [[`postgres://***@127.0.0.1:${port}/test`, 'ECONNREFUSED']]);
  });
});

describe('a driver that is not installed', () => {
  // The real binary from a copy of src/ in a directory with no node_modules above it:
  // `import('pg')` fails there as it does in an app that never installed it.
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'shipshape-nodrivers-'));
    cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'shipshape', version: '0.0.0', type: 'module' }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const bare = (...args: string[]) => spawnSync(process.execPath, ['--import', TSX, join(dir, 'src/cli/main.ts'), ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000 });

  test('is exit 2 naming the package to install, before any attempt', () => {
    const postgres = bare('wait4db', '-d', POSTGRES_URL, '--timeout', '20');
    assert.equal(postgres.status, 2, postgres.stderr);
    assert.equal(postgres.stderr, 'shipshape wait4db: the package "pg" is not installed: run `npm install pg`\n');
    assert.equal(postgres.stdout, '');
    const mysql = bare('wait4', REDIS_URL, MYSQL_URL, '--timeout', '20');
    assert.equal(mysql.status, 2, mysql.stderr);
    assert.equal(mysql.stderr, 'shipshape wait4: the package "mysql2" is not installed: run `npm install mysql2`\n');
    // the brokers' drivers, named the same way (for NATS: `nats`, when its successor is missing too)
    for (const [target, name] of [[AMQP_URL, 'amqplib'], [NATS_URL, 'nats'], [MQTT_URL, 'mqtt']] as const) {
      const run = bare('wait4', 'tcp://127.0.0.1:1', target, '--timeout', '20');
      assert.equal(run.status, 2, run.stderr);
      assert.equal(run.stderr, `shipshape wait4: the package "${name}" is not installed: run \`npm install ${name}\`\n`);
      assert.equal(run.stdout, '');
    }
  });

  test('SQLite falls back to node:sqlite where Node has it, else names better-sqlite3', () => {
    const file = join(dir, 'app.db');
    new Database(file).close();
    const run = bare('wait4db', '-d', `sqlite://${file}`, '--stable', '0.2', '--interval', '0.1');
    const hasNodeSqlite = spawnSync(process.execPath, ['-e', 'require("node:sqlite")'], { stdio: 'ignore' }).status === 0;
    if (hasNodeSqlite) {
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /is ready/);
    } else {
      assert.equal(run.status, 2, run.stderr);
      assert.equal(run.stderr, 'shipshape wait4db: the package "better-sqlite3" is not installed: run `npm install better-sqlite3`\n');
    }
  });
});

describe('SIGTERM and SIGINT during the wait', () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    test(`${signal}: closes its connection and exits ${code} at once`, async () => {
      // a blackhole, so that a connection is open and an attempt in flight when it comes
      const blackhole = await startBlackhole();
      try {
        const child = startShipshape(['wait4db', '-d', `postgres://postgres@127.0.0.1:${blackhole.port}/test`, '--interval', '2', '--timeout', '60']);
        await waitForStderr(child, /no answer within 2 s/);
        while (blackhole.openConnections() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
        const sent = performance.now();
        child.child.kill(signal);
        const run = await child.done;
        assert.equal(run.status, code, run.stderr);
        assert.ok(performance.now() - sent < 3000, 'promptly');
        assert.match(run.stderr.split('\n').at(-2)!, new RegExp(`^wait4db: stopped by ${signal} after \\d+\\.\\d s$`));
        assert.equal(run.stdout, '');
        await blackhole.waitForAllClosed();
      } finally {
        await blackhole.close();
      }
    });
  }
});

test('a config file that is broken is exit 2 naming it (wait4db loads it only when it needs it)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-wait4db-config-'));
  try {
    writeFileSync(join(dir, 'shipshape.config.mjs'), 'export default { database: 42 };\n');
    const broken = await shipshape(['wait4db'], { cwd: dir });
    assert.equal(broken.status, 2);
    assert.equal(broken.stderr, 'shipshape wait4db: shipshape.config.mjs: `database` must be a non-empty string, got `42`\n');
    const port = await refusedPort();
    const flag = await shipshape(['wait4db', '-d', `tcp://127.0.0.1:${port}`], { cwd: dir });
    assert.equal(flag.status, 2, 'the flag is checked without loading the config');
    assert.match(flag.stderr, /^shipshape wait4db: --database is not a database URL \(tcp:\/\/\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('progress lines of a refused port say ECONNREFUSED, one an attempt', async () => {
  const port = await refusedPort();
  const run = await shipshape(['wait4db', '-d', `mysql://root@127.0.0.1:${port}/test`, '--timeout', '1', '--interval', '0.25', '--stable', '0.5']);
  assert.equal(run.status, 1);
  const lines = linesOf(run.stderr, `mysql://***@127.0.0.1:${port}/test`);
  assert.ok(lines.length >= 3 && lines.length <= 5, run.stderr);
  assert.ok(lines.every((line) => line.command === 'wait4db' && line.text === 'ECONNREFUSED'));
});
