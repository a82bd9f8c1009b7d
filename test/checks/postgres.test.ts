import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import postgresJs from 'postgres';
import { postgres } from '../../src/checks/postgres.js';
import { InvalidOptionError, isShipshapeError } from '../../src/core/errors.js';
import { loadDriver } from '../../src/core/internal/load-driver.js';
import { runCheck } from '../_helpers/run-check.js';
import { pgAdmin, type PgAdmin } from '../_helpers/sql-admin.js';
import { startSqlProxy } from '../_helpers/sql-proxy.js';
import { POSTGRES_URL, requireService } from '../_helpers/services.js';
import { refusedPort, startBlackhole } from '../_helpers/sockets.js';

const TIMEOUT_MS = 300;
const SLACK_MS = 50;
const SECRET = 'pw-Zx9-secret';
let serial = 0;
/** A distinct application_name per test, so that server-side assertions see only this test's connection. */
const appName = (): string => `shipshape-t${process.pid}-${(serial += 1)}`;
const spec = (check: ReturnType<typeof postgres>) => check as Required<ReturnType<typeof postgres>>;

before(async () => {
  await loadDriver('pg'); // measure timeouts from the check start, not from the first import
});

describe('postgres() given a URL', () => {
  let admin: PgAdmin | undefined;
  after(() => admin?.close());

  test('passes with SELECT 1 and reports the round trip in ms', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const check = spec(postgres(POSTGRES_URL));
    try {
      const first = await runCheck(check);
      assert.equal(first.ok, true, first.reason);
      const value = first.value as { observedValue: number; observedUnit: string };
      assert.equal(value.observedUnit, 'ms');
      assert.equal(typeof value.observedValue, 'number');
      assert.ok(value.observedValue >= 0 && value.observedValue < 900);
      assert.equal((await runCheck(check)).ok, true);
    } finally {
      await check.close();
    }
  });

  test('keeps one connection named application_name=shipshape and close() ends it', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    admin ??= await pgAdmin();
    const name = appName();
    const check = spec(postgres(POSTGRES_URL, { applicationName: name }));
    for (let i = 0; i < 3; i += 1) assert.equal((await runCheck(check)).ok, true);
    assert.equal((await admin.pids(name)).length, 1, 'one connection, reused');
    await check.close();
    await admin.waitForNone(name);
    await check.close(); // idempotent
    const after = await runCheck(check);
    assert.equal(after.ok, false);
    assert.match(after.reason!, /closed/);
    assert.equal((await admin.pids(name)).length, 0, 'a run after close() opens nothing');
  });

  test('names its connection "shipshape" by default', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    admin ??= await pgAdmin();
    const before = (await admin.pids('shipshape')).length;
    const check = spec(postgres(POSTGRES_URL));
    try {
      assert.equal((await runCheck(check)).ok, true);
      assert.equal((await admin.pids('shipshape')).length, before + 1);
    } finally {
      await check.close();
    }
  });

  test('an application_name in the URL wins over the default', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    admin ??= await pgAdmin();
    const name = appName();
    const check = spec(postgres(`${POSTGRES_URL}?application_name=${name}`));
    try {
      assert.equal((await runCheck(check)).ok, true);
      assert.equal((await admin.pids(name)).length, 1);
    } finally {
      await check.close();
    }
  });

  test('accepts postgresql:// and both Unix-socket forms', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const urls = ['postgresql://postgres@127.0.0.1:5432/test'];
    if (existsSync('/var/run/postgresql/.s.PGSQL.5432')) {
      urls.push('postgres://postgres@/test?host=/var/run/postgresql', 'postgres://postgres@%2Fvar%2Frun%2Fpostgresql/test');
    } else {
      t.diagnostic('no PostgreSQL socket in /var/run/postgresql: Unix-socket URLs not exercised');
    }
    for (const url of urls) {
      const check = spec(postgres(url));
      try {
        const outcome = await runCheck(check);
        assert.equal(outcome.ok, true, `${url}: ${outcome.reason}`);
      } finally {
        await check.close();
      }
    }
  });

  test('a refused port fails fast with ECONNREFUSED', async () => {
    const port = await refusedPort();
    const check = spec(postgres(`postgres://postgres@127.0.0.1:${port}/test`));
    try {
      const outcome = await runCheck(check, 2000);
      assert.equal(outcome.ok, false);
      assert.match(outcome.reason!, /ECONNREFUSED/);
      assert.ok(outcome.elapsedMs < 1000, `took ${outcome.elapsedMs} ms`);
    } finally {
      await check.close();
    }
  });

  test('a blackhole fails at the timeout and the socket is closed, on every run', async () => {
    const blackhole = await startBlackhole();
    const check = spec(postgres(`postgres://postgres:${SECRET}@127.0.0.1:${blackhole.port}/test`));
    try {
      for (let run = 1; run <= 2; run += 1) {
        const outcome = await runCheck(check, TIMEOUT_MS);
        assert.equal(outcome.ok, false);
        assert.match(outcome.reason!, /timed out/);
        assert.ok(outcome.elapsedMs <= TIMEOUT_MS + SLACK_MS, `took ${outcome.elapsedMs} ms`);
        await blackhole.waitForAllClosed(500);
        assert.equal(blackhole.acceptedConnections(), run, 'one connection per run');
      }
    } finally {
      await check.close();
      await blackhole.close();
    }
  });

  test('close() during a hanging connect frees the socket at once', async () => {
    const blackhole = await startBlackhole();
    const check = spec(postgres(`postgres://postgres@127.0.0.1:${blackhole.port}/test`));
    try {
      const pending = runCheck(check, 5000);
      while (blackhole.openConnections() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await check.close();
      await blackhole.waitForAllClosed(200);
      assert.equal((await pending).ok, false);
    } finally {
      await blackhole.close();
    }
  });

  test('a connection that goes silent mid-session fails at the timeout, is destroyed and reopened', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const proxy = await startSqlProxy(5432);
    const check = spec(postgres(`postgres://postgres@127.0.0.1:${proxy.port}/test`));
    try {
      assert.equal((await runCheck(check)).ok, true);
      proxy.freeze();
      const outcome = await runCheck(check, TIMEOUT_MS);
      assert.equal(outcome.ok, false);
      assert.ok(outcome.elapsedMs <= TIMEOUT_MS + SLACK_MS, `took ${outcome.elapsedMs} ms`);
      await proxy.waitForAllClosed(500);
      proxy.thaw();
      const healed = await runCheck(check);
      assert.equal(healed.ok, true, healed.reason);
    } finally {
      await check.close();
      await proxy.close();
    }
  });

  test('an unknown role fails with a short reason that never shows the password', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const check = spec(postgres(`postgres://nobody_here:${SECRET}@127.0.0.1:5432/test`));
    try {
      const outcome = await runCheck(check);
      assert.equal(outcome.ok, false);
      assert.match(outcome.reason!, /role "nobody_here" does not exist/);
      assert.doesNotMatch(outcome.reason!, new RegExp(SECRET));
    } finally {
      await check.close();
    }
  });

  test('an unknown database fails and the password stays hidden', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const check = spec(postgres(`postgres://postgres:${SECRET}@127.0.0.1:5432/no_such_db_here`));
    try {
      const outcome = await runCheck(check);
      assert.equal(outcome.ok, false);
      assert.match(outcome.reason!, /does not exist/);
      assert.ok(!outcome.reason!.includes(SECRET));
    } finally {
      await check.close();
    }
  });

  test('the server killing its connection crashes nothing; the check reconnects and passes', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    admin ??= await pgAdmin();
    const name = appName();
    const check = spec(postgres(POSTGRES_URL, { applicationName: name }));
    try {
      assert.equal((await runCheck(check)).ok, true);
      const [pid] = await admin.pids(name);
      assert.equal(await admin.terminate(name), 1);
      await new Promise((resolve) => setTimeout(resolve, 50)); // let the 'error' event arrive
      const next = await runCheck(check);
      const passed = next.ok ? next : await runCheck(check);
      assert.equal(passed.ok, true, passed.reason);
      const [newPid] = await admin.pids(name);
      assert.notEqual(newPid, pid, 'a new backend');
    } finally {
      await check.close();
    }
  });
});

describe('postgres() given the app’s client', () => {
  let admin: PgAdmin | undefined;
  after(() => admin?.close());

  test('passes through a pg Pool, a pg Client and postgres.js, reporting ms', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    const sql = postgresJs(POSTGRES_URL, { max: 1 });
    try {
      await client.connect();
      for (const app of [pool, client, sql]) {
        const outcome = await runCheck(postgres(app));
        assert.equal(outcome.ok, true, outcome.reason);
        assert.equal((outcome.value as { observedUnit: string }).observedUnit, 'ms');
      }
      assert.equal(pool.idleCount, pool.totalCount, 'the pool got its client back');
      assert.equal(postgres(pool).close, undefined, 'nothing of its own to close');
    } finally {
      await Promise.all([pool.end(), client.end(), sql.end()]);
    }
  });

  test('a pg Pool pointed at a refused port fails fast with ECONNREFUSED', async () => {
    const port = await refusedPort();
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${port}/test` });
    const sql = postgresJs(`postgres://postgres@127.0.0.1:${port}/test`, { max: 1 });
    try {
      for (const app of [pool, sql]) {
        const outcome = await runCheck(postgres(app), 2000);
        assert.equal(outcome.ok, false);
        assert.match(outcome.reason!, /ECONNREFUSED/);
        assert.ok(outcome.elapsedMs < 1000, `took ${outcome.elapsedMs} ms`);
      }
    } finally {
      await Promise.all([pool.end(), sql.end({ timeout: 0 })]);
    }
  });

  test('a pg Pool or postgres.js pointed at a blackhole fails at the timeout', async () => {
    const blackhole = await startBlackhole();
    const url = `postgres://postgres@127.0.0.1:${blackhole.port}/test`;
    const pool = new pg.Pool({ connectionString: url });
    pool.on('error', () => {});
    const sql = postgresJs(url, { max: 1, connect_timeout: 30 });
    try {
      for (const app of [pool, sql]) {
        const outcome = await runCheck(postgres(app), TIMEOUT_MS);
        assert.equal(outcome.ok, false);
        assert.match(outcome.reason!, /timed out/);
        assert.ok(outcome.elapsedMs <= TIMEOUT_MS + SLACK_MS, `took ${outcome.elapsedMs} ms`);
      }
    } finally {
      await blackhole.close(); // the app's own connects fail now, so its pools can end
      await Promise.all([pool.end(), sql.end({ timeout: 0 })]);
    }
  });

  test('a full pg Pool fails at the timeout instead of waiting for a slot, and the late slot goes back', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
    try {
      const held = await pool.connect();
      const outcome = await runCheck(postgres(pool), TIMEOUT_MS);
      assert.equal(outcome.ok, false);
      assert.match(outcome.reason!, /timed out/);
      assert.ok(outcome.elapsedMs <= TIMEOUT_MS + SLACK_MS, `took ${outcome.elapsedMs} ms`);
      held.release();
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(pool.waitingCount, 0);
      assert.equal(pool.idleCount, 1, 'the slot handed to the timed-out check was returned');
      assert.equal((await runCheck(postgres(pool))).ok, true);
    } finally {
      await pool.end();
    }
  });

  test('a pool connection that goes silent mid-query is released with an error: the pool discards it', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const proxy = await startSqlProxy(5432);
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/test`, max: 1 });
    pool.on('error', () => {});
    try {
      assert.equal((await runCheck(postgres(pool))).ok, true);
      assert.equal(pool.totalCount, 1);
      proxy.freeze();
      const outcome = await runCheck(postgres(pool), TIMEOUT_MS);
      assert.equal(outcome.ok, false);
      assert.ok(outcome.elapsedMs <= TIMEOUT_MS + SLACK_MS, `took ${outcome.elapsedMs} ms`);
      await proxy.waitForAllClosed(500);
      assert.equal(pool.totalCount, 0, 'the silent connection left the pool');
      proxy.thaw();
      assert.equal((await runCheck(postgres(pool))).ok, true, 'the pool opens a fresh one');
    } finally {
      await pool.end();
      await proxy.close();
    }
  });

  test('a pool connection reset while the check holds it fails the check and crashes nothing', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const proxy = await startSqlProxy(5432);
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/test`, max: 1 });
    pool.on('error', () => {});
    try {
      assert.equal((await runCheck(postgres(pool))).ok, true);
      proxy.freeze();
      const pending = runCheck(postgres(pool), 2000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      proxy.reset(); // pg emits 'error' on the checked-out client: unhandled, it would crash us
      const outcome = await pending;
      assert.equal(outcome.ok, false);
      assert.match(outcome.reason!, /terminated|ECONNRESET|closed/i);
      assert.ok(outcome.elapsedMs < 1000, `took ${outcome.elapsedMs} ms`);
      proxy.thaw();
      assert.equal((await runCheck(postgres(pool))).ok, true);
    } finally {
      await pool.end();
      await proxy.close();
    }
  });

  test('an idle pool client killed by the server: the app’s pool.on("error") sees it, the check passes after', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    t.plan(3);
    admin ??= await pgAdmin();
    const name = appName();
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, application_name: name, max: 1 });
    // pg's rule: an app must listen for idle-client errors or a restart crashes it.
    pool.once('error', (error) => t.assert.match(error.message, /terminat/));
    try {
      assert.equal((await runCheck(postgres(pool))).ok, true);
      await admin.terminate(name);
      await admin.waitForNone(name);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const next = await runCheck(postgres(pool));
      const passed = next.ok ? next : await runCheck(postgres(pool));
      t.assert.equal(passed.ok, true, passed.reason);
      t.assert.equal((await admin.pids(name)).length, 1);
    } finally {
      await pool.end();
    }
  });

  test('an app pg Client whose backend is killed fails the check (the app owns its reconnect)', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    admin ??= await pgAdmin();
    const name = appName();
    const client = new pg.Client({ connectionString: POSTGRES_URL, application_name: name });
    client.on('error', () => {}); // the app's listener
    await client.connect();
    try {
      assert.equal((await runCheck(postgres(client))).ok, true);
      await admin.terminate(name);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const outcome = await runCheck(postgres(client));
      assert.equal(outcome.ok, false);
      assert.match(outcome.reason!, /terminat|not queryable/i);
    } finally {
      await client.end().catch(() => {});
    }
  });

  test('postgres.js whose connection is killed reconnects by itself and the check passes', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    admin ??= await pgAdmin();
    const name = appName();
    const sql = postgresJs(POSTGRES_URL, { max: 1, connection: { application_name: name } });
    try {
      assert.equal((await runCheck(postgres(sql))).ok, true);
      await admin.terminate(name);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const next = await runCheck(postgres(sql));
      const passed = next.ok ? next : await runCheck(postgres(sql));
      assert.equal(passed.ok, true, passed.reason);
    } finally {
      await sql.end({ timeout: 0 });
    }
  });
});

describe('postgres() building', () => {
  test('an object it does not recognize is an InvalidOptionError listing the supported clients', () => {
    for (const value of [{}, { query: () => 1 }, 42, null, new Map()]) {
      assert.throws(
        () => postgres(value as never),
        (error: unknown) =>
          error instanceof InvalidOptionError &&
          error instanceof TypeError &&
          isShipshapeError(error) &&
          /`pg` Pool or Client, a postgres\.js `sql`, or a postgres:\/\/ URL/.test(error.message),
      );
    }
  });

  test('a mysql2 connection is not mistaken for a pg Client', async () => {
    const mysql = await import('mysql2');
    const connection = mysql.createConnection({ host: '127.0.0.1', port: await refusedPort() });
    connection.on('error', () => {});
    try {
      assert.throws(() => postgres(connection as never), InvalidOptionError);
    } finally {
      connection.destroy();
    }
  });

  test('a URL of another scheme is an InvalidOptionError naming the accepted schemes, without the password', () => {
    for (const url of [`mysql://root:${SECRET}@db/test`, `http://u:${SECRET}@x`, 'localhost:5432']) {
      assert.throws(
        () => postgres(url),
        (error: unknown) =>
          error instanceof InvalidOptionError &&
          error.message.includes('postgres:// or postgresql://') &&
          !error.message.includes(SECRET),
      );
    }
  });

  test('options are validated and passed through to the CheckSpec', () => {
    const check = postgres(POSTGRES_URL, { timeoutMs: 500, critical: false, cacheMs: 1000 });
    assert.equal(check.timeoutMs, 500);
    assert.equal(check.critical, false);
    assert.equal(check.cacheMs, 1000);
    assert.ok(Object.isFrozen(check));
    assert.equal('timeoutMs' in postgres(POSTGRES_URL), false, 'unset options fall back to the probe’s');
    assert.throws(() => postgres(POSTGRES_URL, { timeoutMs: -1 }), /`timeoutMs`.*got `-1`/);
    assert.throws(() => postgres(POSTGRES_URL, { critical: 'yes' as never }), /`critical`/);
    assert.throws(() => postgres(POSTGRES_URL, { applicationName: '' }), /`applicationName`/);
    assert.throws(() => postgres(POSTGRES_URL, { timeout: 5 } as never), /Unknown option `timeout`/);
  });

  test('its run is a named function, for stack traces', () => {
    assert.equal(postgres(POSTGRES_URL).run.name, 'postgres');
  });
});
