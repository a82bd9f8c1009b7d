/** mysql() given the app's client: mysql2 pools and connections, promise and callback APIs. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mysql2 from 'mysql2';
import mysql2p from 'mysql2/promise';
import { mysql } from '../../src/checks/mysql.js';
import { assertFailedFast, assertTimedOut, runCheck } from '../_helpers/run-check.js';
import { MYSQL_CHECK_USER, mysqlAdmin, type MysqlAdmin } from '../_helpers/sql-admin.js';
import { type SqlProxy, startSqlProxy } from '../_helpers/sql-proxy.js';
import { MYSQL_URL, canConnect, requireService } from '../_helpers/services.js';
import { refusedPort, startBlackhole } from '../_helpers/sockets.js';

const TIMEOUT_MS = 300;
const USER = MYSQL_CHECK_USER.user;
let admin: MysqlAdmin | undefined;

before(async () => {
  if (await canConnect('127.0.0.1', 3306)) admin = await mysqlAdmin();
});
after(() => admin?.close());

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
      assertFailedFast(outcome, /ECONNREFUSED/, 1000);
    } finally {
      await pool.end();
    }
  });

  test('an app pool pointed at a blackhole fails at the timeout', async () => {
    const blackhole = await startBlackhole();
    const pool = mysql2p.createPool({ host: '127.0.0.1', port: blackhole.port, user: 'root' });
    try {
      const outcome = await runCheck(mysql(pool), TIMEOUT_MS);
      assertTimedOut(outcome, TIMEOUT_MS);
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
      assertTimedOut(outcome, TIMEOUT_MS);
      held.release();
      const next = await runCheck(mysql(pool), TIMEOUT_MS);
      assert.equal(next.ok, true, `the slot came back: ${next.reason}`);
    } finally {
      await pool.end();
    }
  });

  /** A mysql2 pool of one connection through a proxy to the real server, and the proxy; both ended after `body`. */
  async function withProxiedPool(body: (pool: mysql2p.Pool, proxy: SqlProxy) => Promise<void>): Promise<void> {
    const proxy = await startSqlProxy(3306);
    const pool = mysql2p.createPool({ host: '127.0.0.1', port: proxy.port, user: 'root', database: 'test', connectionLimit: 1 });
    try {
      assert.equal((await runCheck(mysql(pool))).ok, true);
      await body(pool, proxy);
    } finally {
      await pool.end();
      await proxy.close();
    }
  }

  test('a pool connection that goes silent mid-query is destroyed and leaves the pool', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    await withProxiedPool(async (pool, proxy) => {
      const outcome = await proxy.partitioned(() => runCheck(mysql(pool), TIMEOUT_MS));
      assertTimedOut(outcome, TIMEOUT_MS);
      const healed = await runCheck(mysql(pool));
      assert.equal(healed.ok, true, `the pool opened a fresh connection (limit 1): ${healed.reason}`);
    });
  });

  test('a pool connection reset while the check holds it fails the check and crashes nothing', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    await withProxiedPool(async (pool, proxy) => {
      const outcome = await proxy.resetDuring(() => runCheck(mysql(pool), 2000));
      assertFailedFast(outcome, /Connection lost|ECONNRESET|closed/i, 1000);
      assert.equal((await runCheck(mysql(pool))).ok, true);
    });
  });

  test('idle pool connections killed by the server: the check passes after, with no crash', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    const pool = mysql2p.createPool({ uri: await admin!.ensureCheckUser(), connectionLimit: 1 });
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
