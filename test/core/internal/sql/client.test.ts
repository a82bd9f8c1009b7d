/**
 * The SQL client's `reopen: false` and `onLost`, on the real servers: the session a lock
 * lives on, ended by the server, is reported at once and never silently replaced.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSqlClient } from '../../../../src/core/internal/sql/client.js';
import { CLOSED_MESSAGE } from '../../../../src/core/internal/owned-connection.js';
import { mysqlAdmin, pgAdmin } from '../../../_helpers/sql-admin.js';
import { MYSQL_URL, POSTGRES_URL, requireService } from '../../../_helpers/services.js';

describe('createSqlClient({ reopen: false, onLost })', () => {
  test('postgres: a backend ended by the server calls onLost once, at once, and later queries fail', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const name = `shipshape-test-onlost-${process.pid}`;
    const admin = await pgAdmin();
    t.after(() => admin.close());
    const lost: Error[] = [];
    const client = createSqlClient(POSTGRES_URL, { applicationName: name, reopen: false, onLost: (error) => lost.push(error) });
    t.after(() => client.close());
    assert.equal((await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one, 1);
    assert.equal(await admin.terminate(name), 1);
    const deadline = Date.now() + 5000;
    while (lost.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(lost.length, 1, 'onLost was called without a query');
    await assert.rejects(client.query('SELECT 1'), /connection lost \(it is not reopened\)/);
    await assert.rejects(client.query('SELECT 1'), /connection lost/);
    assert.deepEqual(await admin.pids(name), [], 'no new connection was opened');
    assert.equal(lost.length, 1);
  });

  test('mariadb: a KILLed connection calls onLost once, and later queries fail', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    const admin = await mysqlAdmin();
    t.after(() => admin.close());
    const lost: Error[] = [];
    const client = createSqlClient(MYSQL_URL, { reopen: false, onLost: (error) => lost.push(error) });
    t.after(() => client.close());
    const id = (await client.query<{ id: number }>('SELECT CONNECTION_ID() AS id')).rows[0]!.id;
    await admin.query(`KILL ${Number(id)}`);
    const deadline = Date.now() + 5000;
    while (lost.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(lost.length, 1);
    await assert.rejects(client.query('SELECT 1'), /connection lost \(it is not reopened\)/);
  });

  test('close() is not a loss', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const lost: Error[] = [];
    const client = createSqlClient(POSTGRES_URL, { reopen: false, onLost: (error) => lost.push(error) });
    await client.query('SELECT 1');
    await client.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(lost, []);
    await assert.rejects(client.query('SELECT 1'), new RegExp(CLOSED_MESSAGE.replace(/[()]/g, '\\$&')));
  });
});
