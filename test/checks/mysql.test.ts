import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mysql2 from 'mysql2';
import mysql2p from 'mysql2/promise';
import pg from 'pg';
import { mysql } from '../../src/checks/mysql.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { loadDriver } from '../../src/core/internal/load-driver.js';
import { runCheck } from '../_helpers/run-check.js';
import { mysqlAdmin, type MysqlAdmin } from '../_helpers/sql-admin.js';
import { startSqlProxy } from '../_helpers/sql-proxy.js';
import { MYSQL_URL, canConnect, requireService } from '../_helpers/services.js';
import { refusedPort, startBlackhole } from '../_helpers/sockets.js';

const TIMEOUT_MS = 300;
const SLACK_MS = 50;
const USER = 'shipshape_sqlchk';
const RIGHT_PW = 'right-pw-123';
const WRONG_PW = 'pw-Zx9-secret';
const USER_URL = `mysql://${USER}:${RIGHT_PW}@127.0.0.1:3306/test`;
const spec = (check: ReturnType<typeof mysql>) => check as Required<ReturnType<typeof mysql>>;
let admin: MysqlAdmin | undefined;

before(async () => {
  await loadDriver('mysql2'); // measure timeouts from the check start, not from the first import
  if (!(await canConnect('127.0.0.1', 3306))) return;
  admin = await mysqlAdmin();
  // A user of our own: its connections are the check's, so the tests can find and KILL them.
  await admin.query(`CREATE USER IF NOT EXISTS '${USER}'@'%' IDENTIFIED BY '${RIGHT_PW}'`);
  await admin.query(`CREATE USER IF NOT EXISTS '${USER}'@'127.0.0.1' IDENTIFIED BY '${RIGHT_PW}'`);
  await admin.query(`GRANT SELECT ON test.* TO '${USER}'@'%'`);
  await admin.query(`GRANT SELECT ON test.* TO '${USER}'@'127.0.0.1'`);
});
after(() => admin?.close());

describe('mysql() given a URL', () => {
  test('passes with SELECT 1 over mysql:// and mariadb://, reporting ms', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    for (const url of [MYSQL_URL, MYSQL_URL.replace(/^mysql:/, 'mariadb:')]) {
      const check = spec(mysql(url));
      try {
        const outcome = await runCheck(check);
        assert.equal(outcome.ok, true, `${url}: ${outcome.reason}`);
        const value = outcome.value as { observedValue: number; observedUnit: string };
        assert.equal(value.observedUnit, 'ms');
        assert.ok(value.observedValue >= 0 && value.observedValue < 900);
      } finally {
        await check.close();
      }
    }
  });

  test('keeps one connection and close() ends it, idempotently', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    await admin!.killAll(USER);
    const check = spec(mysql(USER_URL));
    for (let i = 0; i < 3; i += 1) assert.equal((await runCheck(check)).ok, true);
    assert.equal((await admin!.ids(USER)).length, 1, 'one connection, reused');
    await check.close();
    await admin!.waitForNone(USER);
    await check.close();
    const outcome = await runCheck(check);
    assert.equal(outcome.ok, false);
    assert.match(outcome.reason!, /closed/);
    assert.equal((await admin!.ids(USER)).length, 0);
  });

  test('a refused port fails fast with ECONNREFUSED', async () => {
    const check = spec(mysql(`mysql://root@127.0.0.1:${await refusedPort()}/test`));
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
    const check = spec(mysql(`mariadb://root:${WRONG_PW}@127.0.0.1:${blackhole.port}/test`));
    try {
      for (let run = 1; run <= 2; run += 1) {
        const outcome = await runCheck(check, TIMEOUT_MS);
        assert.equal(outcome.ok, false);
        assert.match(outcome.reason!, /timed out/);
        assert.ok(outcome.elapsedMs <= TIMEOUT_MS + SLACK_MS, `took ${outcome.elapsedMs} ms`);
        await blackhole.waitForAllClosed(500);
        assert.equal(blackhole.acceptedConnections(), run);
      }
    } finally {
      await check.close();
      await blackhole.close();
    }
  });

  test('a connection that goes silent mid-session fails at the timeout, is destroyed and reopened', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    const proxy = await startSqlProxy(3306);
    const check = spec(mysql(`mysql://root@127.0.0.1:${proxy.port}/test`));
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

  test('a wrong password fails with a reason showing neither password', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    const check = spec(mysql(`mysql://${USER}:${WRONG_PW}@127.0.0.1:3306/test`));
    try {
      const outcome = await runCheck(check);
      assert.equal(outcome.ok, false);
      assert.match(outcome.reason!, /Access denied/);
      assert.ok(!outcome.reason!.includes(WRONG_PW), outcome.reason);
      assert.ok(!outcome.reason!.includes(RIGHT_PW), outcome.reason);
    } finally {
      await check.close();
    }
  });

  test('KILL of its connection crashes nothing; the check reconnects and passes', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    await admin!.killAll(USER);
    const check = spec(mysql(USER_URL));
    try {
      assert.equal((await runCheck(check)).ok, true);
      const [id] = await admin!.ids(USER);
      assert.equal(await admin!.killAll(USER), 1);
      await new Promise((resolve) => setTimeout(resolve, 50)); // let the 'error' event arrive
      const next = await runCheck(check);
      const passed = next.ok ? next : await runCheck(check);
      assert.equal(passed.ok, true, passed.reason);
      const ids = await admin!.ids(USER);
      assert.equal(ids.length, 1);
      assert.notEqual(ids[0], id, 'a new connection');
    } finally {
      await check.close();
    }
  });
});

describe('mysql() given the app’s client', () => {
  test('passes through mysql2 promise and callback pools and connections', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    const promisePool = mysql2p.createPool(MYSQL_URL);
    const promiseConnection = await mysql2p.createConnection(MYSQL_URL);
    const callbackPool = mysql2.createPool(MYSQL_URL);
    const callbackConnection = mysql2.createConnection(MYSQL_URL);
    const checkedOut = await promisePool.getConnection();
    try {
      for (const app of [promisePool, promiseConnection, callbackPool, callbackConnection, checkedOut]) {
        const outcome = await runCheck(mysql(app));
        assert.equal(outcome.ok, true, outcome.reason);
        assert.equal((outcome.value as { observedUnit: string }).observedUnit, 'ms');
      }
      assert.equal(mysql(promisePool).close, undefined, 'nothing of its own to close');
    } finally {
      checkedOut.release();
      await Promise.all([promisePool.end(), promiseConnection.end(), callbackPool.promise().end()]);
      await callbackConnection.promise().end();
    }
  });

  test('an app pool pointed at a refused port fails fast with ECONNREFUSED', async () => {
    const pool = mysql2p.createPool({ host: '127.0.0.1', port: await refusedPort(), user: 'root' });
    try {
      const outcome = await runCheck(mysql(pool), 2000);
      assert.equal(outcome.ok, false);
      assert.match(outcome.reason!, /ECONNREFUSED/);
      assert.ok(outcome.elapsedMs < 1000, `took ${outcome.elapsedMs} ms`);
    } finally {
      await pool.end();
    }
  });

  test('an app pool pointed at a blackhole fails at the timeout', async () => {
    const blackhole = await startBlackhole();
    const pool = mysql2p.createPool({ host: '127.0.0.1', port: blackhole.port, user: 'root' });
    try {
      const outcome = await runCheck(mysql(pool), TIMEOUT_MS);
      assert.equal(outcome.ok, false);
      assert.match(outcome.reason!, /timed out/);
      assert.ok(outcome.elapsedMs <= TIMEOUT_MS + SLACK_MS, `took ${outcome.elapsedMs} ms`);
    } finally {
      await blackhole.close();
      await pool.end().catch(() => {}); // mysql2 reports the connect it lost to the closed blackhole
    }
  });

  test('a full app pool fails at the timeout instead of waiting, and the late connection goes back', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    const pool = mysql2p.createPool({ uri: MYSQL_URL, connectionLimit: 1 });
    try {
      const held = await pool.getConnection();
      const outcome = await runCheck(mysql(pool), TIMEOUT_MS);
      assert.equal(outcome.ok, false);
      assert.match(outcome.reason!, /timed out/);
      assert.ok(outcome.elapsedMs <= TIMEOUT_MS + SLACK_MS, `took ${outcome.elapsedMs} ms`);
      held.release();
      const next = await runCheck(mysql(pool), TIMEOUT_MS);
      assert.equal(next.ok, true, `the slot came back: ${next.reason}`);
    } finally {
      await pool.end();
    }
  });

  test('a pool connection that goes silent mid-query is destroyed and leaves the pool', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    const proxy = await startSqlProxy(3306);
    const pool = mysql2p.createPool({ host: '127.0.0.1', port: proxy.port, user: 'root', database: 'test', connectionLimit: 1 });
    try {
      assert.equal((await runCheck(mysql(pool))).ok, true);
      proxy.freeze();
      const outcome = await runCheck(mysql(pool), TIMEOUT_MS);
      assert.equal(outcome.ok, false);
      assert.ok(outcome.elapsedMs <= TIMEOUT_MS + SLACK_MS, `took ${outcome.elapsedMs} ms`);
      await proxy.waitForAllClosed(500);
      proxy.thaw();
      const healed = await runCheck(mysql(pool));
      assert.equal(healed.ok, true, `the pool opened a fresh connection (limit 1): ${healed.reason}`);
    } finally {
      await pool.end();
      await proxy.close();
    }
  });

  test('a pool connection reset while the check holds it fails the check and crashes nothing', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    const proxy = await startSqlProxy(3306);
    const pool = mysql2p.createPool({ host: '127.0.0.1', port: proxy.port, user: 'root', database: 'test', connectionLimit: 1 });
    try {
      assert.equal((await runCheck(mysql(pool))).ok, true);
      proxy.freeze();
      const pending = runCheck(mysql(pool), 2000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      proxy.reset();
      const outcome = await pending;
      assert.equal(outcome.ok, false);
      assert.ok(outcome.elapsedMs < 1000, `took ${outcome.elapsedMs} ms`);
      proxy.thaw();
      assert.equal((await runCheck(mysql(pool))).ok, true);
    } finally {
      await pool.end();
      await proxy.close();
    }
  });

  test('idle pool connections killed by the server: the check passes after, with no crash', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    await admin!.killAll(USER);
    const pool = mysql2p.createPool({ uri: USER_URL, connectionLimit: 1 });
    try {
      assert.equal((await runCheck(mysql(pool))).ok, true);
      assert.equal(await admin!.killAll(USER), 1);
      await admin!.waitForNone(USER);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const next = await runCheck(mysql(pool));
      const passed = next.ok ? next : await runCheck(mysql(pool));
      assert.equal(passed.ok, true, passed.reason);
    } finally {
      await pool.end();
    }
  });
});

describe('mysql() building', () => {
  test('an object it does not recognize is an InvalidOptionError listing the supported clients', () => {
    for (const value of [{}, { query: () => 1 }, 7, null]) {
      assert.throws(
        () => mysql(value as never),
        (error: unknown) =>
          error instanceof InvalidOptionError && /`mysql2` pool or connection/.test(error.message),
      );
    }
  });

  test('a pg Pool is not mistaken for a mysql2 pool', async () => {
    const pool = new pg.Pool({ port: await refusedPort() });
    try {
      assert.throws(() => mysql(pool as never), InvalidOptionError);
    } finally {
      await pool.end();
    }
  });

  test('a URL of another scheme is an InvalidOptionError naming mysql:// and mariadb://, without the password', () => {
    for (const url of [`postgres://u:${WRONG_PW}@db/x`, `mysql://u:${WRONG_PW}@db:99999/x`, '127.0.0.1:3306']) {
      assert.throws(
        () => mysql(url),
        (error: unknown) =>
          error instanceof InvalidOptionError &&
          error.message.includes('mysql:// or mariadb://') &&
          !error.message.includes(WRONG_PW),
        url,
      );
    }
  });

  test('options are validated and passed through; run is named', () => {
    const check = mysql(MYSQL_URL, { timeoutMs: 250, critical: false });
    assert.equal(check.timeoutMs, 250);
    assert.equal(check.critical, false);
    assert.equal(check.run.name, 'mysql');
    assert.throws(() => mysql(MYSQL_URL, { cacheMs: -5 }), /`cacheMs`/);
    assert.throws(() => mysql(MYSQL_URL, { applicationName: 'x' } as never), /Unknown option `applicationName`/);
  });
});
