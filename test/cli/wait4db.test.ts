/**
 * `shipshape wait4db` through the real binary, against the real PostgreSQL, MariaDB and
 * SQLite files: readiness, where the URL comes from, the failures that are retried
 * (a database that does not exist yet, a server still starting up, a refused login) and
 * the result lines. Timing (delays, blackholes, the stability window), flags, drivers and
 * signals are in the wait4db-*.test.ts files beside this one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { shipshape, startShipshape } from '../_helpers/cli.js';
import { waitForStderr } from '../_helpers/cli-output.js';
import { startStartingUpPostgres } from '../_helpers/pg-starting-up.js';
import { mysqlAdmin } from '../_helpers/sql-admin.js';
import { MYSQL_URL, POSTGRES_URL, requireService } from '../_helpers/services.js';
import { linesOf, notReady, readyAfter } from '../_helpers/wait4.js';

const FAST = ['--interval', '0.2', '--stable', '0.5', '--timeout', '30'];
const PG_LABEL = 'postgres://***@127.0.0.1:5432/test';
const MYSQL_LABEL = 'mysql://***@127.0.0.1:3306/test';
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'shipshape-wait4db-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('wait4db against a database that is up', () => {
  test('PostgreSQL: exits 0 with one result line on stdout once stable, a progress line an attempt on stderr', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const run = await shipshape(['wait4db', '--database', POSTGRES_URL, ...FAST]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.split('\n').length, 2, 'one line and its newline');
    const readyAt = readyAfter(run.stdout, PG_LABEL, '0.5');
    assert.ok(readyAt !== undefined, run.stdout);
    const lines = linesOf(run.stderr, PG_LABEL);
    assert.ok(lines.length >= 2, 'a first success, and one at least 0.5 s later');
    assert.match(lines[0]!.text, /^ok, stable for 0\.0 of 0\.5 s$/);
    assert.match(lines.at(-1)!.text, /^ok, stable for 0\.[5-9] of 0\.5 s$/);
    assert.ok(readyAt >= 0.5, 'ready no sooner than the stability window');
  });

  test('MariaDB (mysql:// and mariadb://): exits 0 once stable', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    const mysql = await shipshape(['wait4db', '-d', MYSQL_URL, ...FAST]);
    assert.equal(mysql.status, 0, mysql.stderr);
    assert.ok(readyAfter(mysql.stdout, MYSQL_LABEL, '0.5') !== undefined, mysql.stdout);
    assert.ok(linesOf(mysql.stderr, MYSQL_LABEL).every((line) => line.text.startsWith('ok, stable for')));
    const mariadb = await shipshape(['wait4db', '-d', MYSQL_URL.replace(/^mysql:/, 'mariadb:'), ...FAST]);
    assert.equal(mariadb.status, 0, mariadb.stderr);
    assert.match(mariadb.stdout, /^mariadb:\/\/\*\*\*@127\.0\.0\.1:3306\/test is ready /);
  });

  test('SQLite: a file that exists is ready; one that does not yet is retried until it appears', async () => {
    const file = join(dir, 'app.db');
    new Database(file).close();
    const ready = await shipshape(['wait4db', '-d', `sqlite://${file}`, ...FAST]);
    assert.equal(ready.status, 0, ready.stderr);
    assert.ok(readyAfter(ready.stdout, `sqlite://${file}`, '0.5') !== undefined, ready.stdout);

    const later = join(dir, 'later.db');
    const child = startShipshape(['wait4db', '-d', `file://${later}`, ...FAST]);
    await waitForStderr(child, /unable to open database file/, 2);
    new Database(later).close();
    const run = await child.done;
    assert.equal(run.status, 0, run.stderr);
    const lines = linesOf(run.stderr, `file://${later}`);
    assert.match(lines[0]!.text, /^cannot open .*later\.db: unable to open database file/);
    assert.ok(lines.at(-1)!.text.startsWith('ok, stable for'));
  });

  test('localhost is tried as 127.0.0.1 and as ::1, whatever the resolver says', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const run = await shipshape(['wait4db', '-d', POSTGRES_URL.replace('127.0.0.1', 'localhost'), ...FAST]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^postgres:\/\/\*\*\*@localhost:5432\/test is ready /);
    // (a server that listens on ::1 alone is in wait4.test.ts: PostgreSQL here listens on 127.0.0.1)
  });
});

describe('where wait4db takes the database from', () => {
  test('--database, else the config file\'s `database`, else DATABASE_URL (first match wins)', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const project = mkdtempSync(join(dir, 'project-'));
    const broken = 'postgres://postgres@127.0.0.1:1/never';
    // from the environment
    const env = await shipshape(['wait4db', ...FAST], { env: { DATABASE_URL: POSTGRES_URL } });
    assert.equal(env.status, 0, env.stderr);
    assert.match(env.stdout, /is ready/);
    // the config file wins over the environment
    writeFileSync(join(project, 'shipshape.config.mjs'), `export default { database: ${JSON.stringify(POSTGRES_URL)} };\n`);
    const config = await shipshape(['wait4db', ...FAST], { cwd: project, env: { DATABASE_URL: broken } });
    assert.equal(config.status, 0, config.stderr);
    // --config names another file
    writeFileSync(join(project, 'other.config.mjs'), `export default { database: ${JSON.stringify(broken)} };\n`);
    const named = await shipshape(['wait4db', '--config', 'other.config.mjs', '--timeout', '0.6', '--interval', '0.2', '--stable', '0.3'], { cwd: project });
    assert.equal(named.status, 1);
    assert.deepEqual(notReady(named.stdout).map((line) => line.target), ['postgres://***@127.0.0.1:1/never']);
    // the flag wins over both
    const flag = await shipshape(['wait4db', '--database', POSTGRES_URL, ...FAST], { cwd: project, env: { DATABASE_URL: broken } });
    assert.equal(flag.status, 0, flag.stderr);
  });

  test('no database anywhere is exit 2 with one line saying where to put one', async () => {
    const run = await shipshape(['wait4db'], { cwd: dir });
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, 'shipshape wait4db: no database: pass --database URL, set `database` in shipshape.config.*, or set DATABASE_URL (see shipshape wait4db --help)\n');
  });

  test('a URL that is no database\'s is exit 2 naming where it came from, never the URL', async () => {
    const flag = await shipshape(['wait4db', '-d', 'redis://:hunter2hunter2@cache:6379']);
    assert.equal(flag.status, 2);
    assert.match(flag.stderr, /^shipshape wait4db: --database is not a database URL \(redis:\/\/\): expected a postgres:\/\/, postgresql:\/\/, mysql:\/\/, mariadb:\/\/, sqlite: or file: URL \(see shipshape wait4db --help\)\n$/);
    const env = await shipshape(['wait4db'], { cwd: dir, env: { DATABASE_URL: 'db.internal:5432' } });
    assert.equal(env.status, 2);
    assert.match(env.stderr, /^shipshape wait4db: DATABASE_URL is host:port, not a URL/);
    const malformed = await shipshape(['wait4db', '-d', 'mysql://root:hunter2hunter2@[oops/test']);
    assert.equal(malformed.status, 2);
    assert.equal(malformed.stderr, 'shipshape wait4db: --database is not a valid mysql:// URL (see shipshape wait4db --help)\n');
    for (const run of [flag, env, malformed]) assert.doesNotMatch(run.stdout + run.stderr, /hunter2/);
  });
});

describe('wait4db retries what a database that is on its way says', () => {
  test('PostgreSQL "the database system is starting up" (57P03), until it is up', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const server = await startStartingUpPostgres(5432);
    try {
      const label = `postgres://***@127.0.0.1:${server.port}/test`;
      const child = startShipshape(['wait4db', '-d', `postgres://postgres@127.0.0.1:${server.port}/test`, ...FAST]);
      await waitForStderr(child, /the database system is starting up/, 3);
      server.finishStartup();
      const run = await child.done;
      assert.equal(run.status, 0, run.stderr);
      const lines = linesOf(run.stderr, label);
      assert.deepEqual(lines.slice(0, 3).map((line) => line.text), Array(3).fill('the database system is starting up'));
      assert.ok(server.refused() >= 3);
      assert.ok(readyAfter(run.stdout, label, '0.5')! >= lines[2]!.elapsedS + 0.5, 'stable for 0.5 s after the last refusal');
    } finally {
      await server.close();
    }
  });

  test('a PostgreSQL database that does not exist yet, until it is created', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const name = `shipshape_wait4db_${process.pid}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      const child = startShipshape(['wait4db', '-d', POSTGRES_URL.replace(/\/test$/, `/${name}`), ...FAST]);
      await waitForStderr(child, /does not exist/, 2);
      await admin.query(`CREATE DATABASE ${name}`);
      const run = await child.done;
      assert.equal(run.status, 0, run.stderr);
      const lines = linesOf(run.stderr, `postgres://***@127.0.0.1:5432/${name}`);
      assert.equal(lines[0]!.text, `database "${name}" does not exist`);
      assert.ok(lines.at(-1)!.text.startsWith('ok, stable for'));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => {});
      await admin.end();
    }
  });

  test('a MariaDB database that does not exist yet, until it is created', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    const name = `shipshape_wait4db_${process.pid}`;
    const admin = await mysqlAdmin();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      const child = startShipshape(['wait4db', '-d', MYSQL_URL.replace(/\/test$/, `/${name}`), ...FAST]);
      await waitForStderr(child, /Unknown database/, 2);
      await admin.query(`CREATE DATABASE ${name}`);
      const run = await child.done;
      assert.equal(run.status, 0, run.stderr);
      assert.equal(linesOf(run.stderr, `mysql://***@127.0.0.1:3306/${name}`)[0]!.text, `Unknown database '${name}'`);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => {});
      await admin.close();
    }
  });

  test('a refused login is said plainly, retried, and named with its cause at --timeout', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306)) || !(await requireService(t, 'postgres', 5432))) return;
    const password = `Wr0ng-${process.pid}-pass`;
    const [mysql, postgres] = await Promise.all([
      shipshape(['wait4db', '-d', `mysql://root:${password}@127.0.0.1:3306/test`, '--timeout', '1', '--interval', '0.2', '--stable', '0.5']),
      shipshape(['wait4db', '-d', `postgres://nobody_${process.pid}@127.0.0.1:5432/test`, '--timeout', '1', '--interval', '0.2', '--stable', '0.5']),
    ]);
    assert.equal(mysql.status, 1, mysql.stderr);
    const mysqlLines = linesOf(mysql.stderr, MYSQL_LABEL);
    assert.ok(mysqlLines.length >= 3, 'retried');
    for (const line of mysqlLines) assert.match(line.text, /^authentication failed: Access denied for user 'root'@/);
    const [failed] = notReady(mysql.stdout);
    assert.equal(failed?.target, MYSQL_LABEL);
    assert.match(failed.cause, /^authentication failed: Access denied/);
    assert.doesNotMatch(mysql.stdout + mysql.stderr, new RegExp(password));

    assert.equal(postgres.status, 1, postgres.stderr);
    assert.match(notReady(postgres.stdout)[0]?.cause ?? '', new RegExp(`^authentication failed: role "nobody_${process.pid}" does not exist$`));
  });
});
