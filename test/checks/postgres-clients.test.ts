/** postgres() given the app's client: a pg Pool, a pg Client, postgres.js. */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import postgresJs from 'postgres';
import { postgres } from '../../src/checks/postgres.js';
import { assertFailedFast, assertTimedOut, runCheck } from '../_helpers/run-check.js';
import { pgAdmin, type PgAdmin } from '../_helpers/sql-admin.js';
import { type SqlProxy, startSqlProxy } from '../_helpers/sql-proxy.js';
import { POSTGRES_URL, requireService } from '../_helpers/services.js';
import { refusedPort, startBlackhole } from '../_helpers/sockets.js';

const TIMEOUT_MS = 300;
let serial = 0;
/** A distinct application_name per test, so that server-side assertions see only this test's connection. */
const appName = (): string => `shipshape-t${process.pid}-c${(serial += 1)}`;

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
        assertFailedFast(outcome, /ECONNREFUSED/, 1000);
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
        assertTimedOut(outcome, TIMEOUT_MS);
      }
    } finally {
      await blackhole.close(); // the app's own connects fail now, so its pools can end
      await Promise.all([pool.end(), sql.end({ timeout: 0 })]);
    }
  });

  test('a full pg Pool fails at the timeout instead of waiting for a slot, and the late slot goes back', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
    const held = await pool.connect();
    let released = false;
    const release = (): void => {
      if (!released) held.release();
      released = true;
    };
    try {
      const outcome = await runCheck(postgres(pool), TIMEOUT_MS);
      assertTimedOut(outcome, TIMEOUT_MS);
      release();
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(pool.waitingCount, 0);
      assert.equal(pool.idleCount, 1, 'the slot handed to the timed-out check was returned');
      assert.equal((await runCheck(postgres(pool))).ok, true);
    } finally {
      release(); // a failed assertion above must not leave pool.end() waiting for this client forever
      await pool.end();
    }
  });

  /** A pg Pool of one connection through a proxy to the real server, and the proxy; both ended after `body`. */
  async function withProxiedPool(body: (pool: pg.Pool, proxy: SqlProxy) => Promise<void>): Promise<void> {
    const proxy = await startSqlProxy(5432);
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/test`, max: 1 });
    pool.on('error', () => {});
    try {
      assert.equal((await runCheck(postgres(pool))).ok, true);
      assert.equal(pool.totalCount, 1);
      await body(pool, proxy);
    } finally {
      await pool.end();
      await proxy.close();
    }
  }

  test('a pool connection that goes silent mid-query is released with an error: the pool discards it', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    await withProxiedPool(async (pool, proxy) => {
      const outcome = await proxy.partitioned(() => runCheck(postgres(pool), TIMEOUT_MS));
      assertTimedOut(outcome, TIMEOUT_MS);
      assert.equal(pool.totalCount, 0, 'the silent connection left the pool');
      assert.equal((await runCheck(postgres(pool))).ok, true, 'the pool opens a fresh one');
    });
  });

  test('a pool connection reset while the check holds it fails the check and crashes nothing', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    await withProxiedPool(async (pool, proxy) => {
      // pg emits 'error' on the checked-out client: unhandled, it would crash us
      const outcome = await proxy.resetDuring(() => runCheck(postgres(pool), 2000));
      assertFailedFast(outcome, /terminated|ECONNRESET|closed/i, 1000);
      assert.equal((await runCheck(postgres(pool))).ok, true);
    });
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
