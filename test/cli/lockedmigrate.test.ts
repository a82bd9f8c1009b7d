/**
 * `shipshape lockedmigrate`: flags, usage errors, where the database URL comes from, and a
 * database that cannot be reached, through the real binary. Locking itself is in
 * lockedmigrate-exclusion, the child process in lockedmigrate-process, a lost lock in
 * lockedmigrate-lost, knex in lockedmigrate-knex and PgBouncer in lockedmigrate-pooler.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { DEFAULT_LOCK_ID, FLAGS, TIMING, USAGE } from '../../src/cli/lockedmigrate.js';
import { LIVENESS } from '../../src/cli/_lock-statements.js';
import { QUERY_TIMEOUT_MS } from '../../src/cli/_session-lock.js';
import { ROOT } from '../_helpers/build.js';
import { shipshape } from '../_helpers/cli.js';
import { lines, markerCommand, uniqueLockId } from '../_helpers/locks.js';
import { MYSQL_URL, POSTGRES_URL, requireService } from '../_helpers/services.js';
import { refusedPort, startBlackhole } from '../_helpers/sockets.js';

const SECRET = 'hunter2-lockedmigrate-secret';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'shipshape-lockedmigrate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('shipshape lockedmigrate: usage', () => {
  test('--help prints the usage with every flag and exits 0', async () => {
    const run = await shipshape(['lockedmigrate', '--help']);
    assert.equal(run.status, 0);
    assert.equal(run.stdout, USAGE);
    for (const [flag, option] of Object.entries(FLAGS)) {
      assert.match(run.stdout, new RegExp(`--${flag}\\b`));
      if ('short' in option) assert.match(run.stdout, new RegExp(`-${option.short}, --${flag}`));
    }
  });

  test('a --help meant for COMMAND (after --) is not taken as its own', async () => {
    const run = await shipshape(['lockedmigrate', '-d', `postgres://nobody:${SECRET}@127.0.0.1:${await refusedPort()}/x`, '--', 'knex', '--help']);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
  });

  const usageErrors: [string, string[], RegExp][] = [
    ['no COMMAND and no --', ['-d', POSTGRES_URL], /no COMMAND: give it after `--`/],
    ['nothing after --', ['-d', POSTGRES_URL, '--'], /no COMMAND after `--`/],
    ['COMMAND without --', ['-d', POSTGRES_URL, 'knex', SECRET], /COMMAND goes after `--`/],
    ['an unknown flag', ['--frobnicate', '--', 'true'], /unknown option --frobnicate/],
    ['--lock-id that is not an integer', ['-d', POSTGRES_URL, '--lock-id', 'abc', '--', 'true'], /--lock-id must be an integer from -9223372036854775808 to 9223372036854775807, got "abc"/],
    ['--lock-id with decimals', ['-d', POSTGRES_URL, '--lock-id', '1.5', '--', 'true'], /--lock-id must be an integer/],
    ['--lock-id above 2^63 - 1', ['-d', POSTGRES_URL, '--lock-id', '9223372036854775808', '--', 'true'], /--lock-id must be an integer/],
    ['--timeout 0', ['-d', POSTGRES_URL, '--timeout', '0', '--', 'true'], /--timeout must be a number of seconds above 0/],
    ['--timeout that is not a number', ['-d', POSTGRES_URL, '--timeout', 'soon', '--', 'true'], /--timeout must be a number of seconds above 0/],
    ['-d without a value', ['-d'], /option --database needs a value/],
    ['no database anywhere', ['--', 'true'], /no database: pass --database URL, set `database` in shipshape.config.\*, or set DATABASE_URL/],
    ['an SQLite URL', ['-d', 'sqlite:///tmp/app.db', '--', 'true'], /an SQLite database has no lock that replicas could share/],
    ['a redis URL', ['-d', `redis://:${SECRET}@127.0.0.1:6379`, '--', 'true'], /expected a postgres:\/\/, postgresql:\/\/, mysql:\/\/ or mariadb:\/\/ database URL, got a `redis:\/\/` URL/],
    ['a MySQL URL that does not parse', ['-d', `mysql://root:${SECRET}@[bad/test`, '--', 'true'], /the database URL does not parse as a mysql:\/\/ or mariadb:\/\/ URL/],
  ];
  for (const [what, args, message] of usageErrors) {
    test(`${what}: exit 2 with one line, no secret`, async () => {
      const run = await shipshape(['lockedmigrate', ...args]);
      assert.equal(run.status, 2, run.stderr);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.match(run.stderr, /^shipshape lockedmigrate: /);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /\(see shipshape lockedmigrate --help\)$/m);
      assert.doesNotMatch(run.stderr + run.stdout, new RegExp(SECRET));
    });
  }
});

describe('shipshape lockedmigrate: the database URL', () => {
  test('comes from -d, else the config file, else DATABASE_URL', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const dir = tempDir(t);
    const refused = `postgres://postgres:${SECRET}@127.0.0.1:${await refusedPort()}/test`;
    const marker = path.join(dir, 'marker');
    const command = (id: string) => ['--lock-id', String(uniqueLockId()), '--', ...markerCommand(marker, id, 0)];

    const fromEnv = await shipshape(['lockedmigrate', ...command('env')], { cwd: dir, env: { DATABASE_URL: POSTGRES_URL } });
    assert.equal(fromEnv.status, 0, fromEnv.stderr);

    writeFileSync(path.join(dir, 'shipshape.config.mjs'), `export default { database: ${JSON.stringify(POSTGRES_URL)} };\n`);
    const fromConfig = await shipshape(['lockedmigrate', ...command('config')], { cwd: dir, env: { DATABASE_URL: refused } });
    assert.equal(fromConfig.status, 0, fromConfig.stderr);

    writeFileSync(path.join(dir, 'shipshape.config.mjs'), `export default { database: ${JSON.stringify(refused)} };\n`);
    const fromFlag = await shipshape(['lockedmigrate', '-d', POSTGRES_URL, ...command('flag')], { cwd: dir, env: { DATABASE_URL: refused } });
    assert.equal(fromFlag.status, 0, fromFlag.stderr);
    const viaExplicitConfig = await shipshape(['lockedmigrate', '--config', 'shipshape.config.mjs', ...command('refused')], { cwd: dir, env: { DATABASE_URL: POSTGRES_URL } });
    assert.equal(viaExplicitConfig.status, 1, viaExplicitConfig.stderr);

    assert.deepEqual(lines(marker), ['start env', 'end env', 'start config', 'end config', 'start flag', 'end flag']);
    assert.doesNotMatch(fromConfig.stderr + viaExplicitConfig.stderr, new RegExp(SECRET));
  });

  test('a refused port exits 1 at once, names the redacted target and never runs COMMAND', async (t) => {
    const dir = tempDir(t);
    const marker = path.join(dir, 'marker');
    const port = await refusedPort();
    for (const url of [`postgres://app:${SECRET}@127.0.0.1:${port}/test`, `mysql://app:${SECRET}@127.0.0.1:${port}/test`]) {
      const run = await shipshape(['lockedmigrate', '-d', url, '--', ...markerCommand(marker, 'x', 0)]);
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stderr, new RegExp(`shipshape lockedmigrate: (postgres|mysql)://\\*\\*\\*@127\\.0\\.0\\.1:${port}/test: .*ECONNREFUSED.*: node was not run`));
      assert.doesNotMatch(run.stderr + run.stdout, new RegExp(SECRET));
      assert.ok(run.elapsedMs < 15_000, `took ${run.elapsedMs} ms`);
    }
    assert.deepEqual(lines(marker), []);
  });

  test('a server that never answers is given up within --timeout, COMMAND not run', async (t) => {
    const dir = tempDir(t);
    const marker = path.join(dir, 'marker');
    const blackhole = await startBlackhole();
    t.after(() => blackhole.close());
    const run = await shipshape(['lockedmigrate', '-d', `postgres://app:${SECRET}@127.0.0.1:${blackhole.port}/test`, '--timeout', '1', '--', ...markerCommand(marker, 'x', 0)]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /lock 1000 not taken: the database had not answered yet after 1\.0 s \(--timeout\): node was not run/);
    assert.ok(run.elapsedMs < 15_000, `took ${run.elapsedMs} ms`);
    assert.deepEqual(lines(marker), []);
    await blackhole.waitForAllClosed(2000);
  });

  test('a wrong password is exit 1 with the reason, and the password is not shown', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    const url = new URL(MYSQL_URL);
    url.username = 'shipshape_nobody';
    url.password = SECRET;
    const run = await shipshape(['lockedmigrate', '-d', url.href, '--', 'true']);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /Access denied for user 'shipshape_nobody'/);
    assert.doesNotMatch(run.stderr, new RegExp(SECRET));
  });
});

test('docs/cli/lockedmigrate.md states the timings and defaults the code has', () => {
  const page = readFileSync(path.join(ROOT, 'docs/cli/lockedmigrate.md'), 'utf8');
  const s = (ms: number) => `${ms / 1000} s`;
  const { idleSeconds, intervalSeconds, count } = LIVENESS.postgresKeepalive;
  for (const text of [
    `| \`--lock-id N\` | \`${DEFAULT_LOCK_ID}\` |`,
    `polls a try-lock every **${s(TIMING.pollMs)}**`,
    `and every ${s(TIMING.reportEveryMs)}:`,
    `checks every ${s(TIMING.heartbeatMs)} that its session still holds the lock (each statement\nof the lock session is bounded at ${s(QUERY_TIMEOUT_MS)})`.replace('\n', '\n   '),
    `SIGKILL after ${s(TIMING.stopGraceMs)})`,
    `(\`tcp_keepalives_idle\`\n   ${idleSeconds} s, \`_interval\` ${intervalSeconds} s, \`_count\` ${count})`,
    `\`wait_timeout = ${LIVENESS.mysqlWaitTimeoutSeconds}\``,
  ]) {
    assert.ok(page.includes(text), `docs/cli/lockedmigrate.md does not say: ${text}`);
  }
});
