/**
 * The SQL client for URLs (src/core/internal/sql/client.ts) on the real servers: one suite
 * over PostgreSQL, MariaDB and an SQLite file, each row saying how its SQL is spelled.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { CLOSED_MESSAGE } from '../../../../src/core/internal/owned-connection.js';
import { createSqlClient, type SqlClient } from '../../../../src/core/internal/sql/client.js';
import { MYSQL_URL, POSTGRES_URL, requireService } from '../../../_helpers/services.js';
import { mysqlAdmin, pgAdmin } from '../../../_helpers/sql-admin.js';

const TABLE = `shipshape_client_${process.pid}`;
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'shipshape-sql-client-'));
  // the client never creates a database file: the files exist, as a mounted volume would
  for (const file of ['client.db', 'ro.db']) new Database(join(dir, file)).close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Row {
  readonly dialect: 'postgres' | 'mysql' | 'sqlite';
  readonly url: () => string;
  /** requireService's name and port; none for SQLite. */
  readonly service?: readonly [string, number];
  /** Two parameters, selected as n and s. */
  readonly selectParams: string;
  readonly insertTwo: string;
  /** A statement that runs for seconds. */
  readonly slow: string;
  /** The server's id of this connection (undefined: SQLite has none). */
  readonly connectionId?: string;
}

const ROWS: readonly Row[] = [
  {
    dialect: 'postgres',
    url: () => POSTGRES_URL,
    service: ['postgres', 5432],
    selectParams: 'SELECT $1::int AS n, $2::text AS s',
    insertTwo: `INSERT INTO ${TABLE} (x) VALUES ($1), ($2)`,
    slow: 'SELECT pg_sleep(3)',
    connectionId: 'SELECT pg_backend_pid() AS id',
  },
  {
    dialect: 'mysql',
    url: () => MYSQL_URL,
    service: ['mariadb', 3306],
    selectParams: 'SELECT CAST(? AS SIGNED) AS n, ? AS s',
    insertTwo: `INSERT INTO ${TABLE} (x) VALUES (?), (?)`,
    slow: 'SELECT SLEEP(3)',
    connectionId: 'SELECT CONNECTION_ID() AS id',
  },
  {
    dialect: 'sqlite',
    url: () => `file://${join(dir, 'client.db')}`,
    selectParams: 'SELECT ? AS n, ? AS s',
    insertTwo: `INSERT INTO ${TABLE} (x) VALUES (?), (?)`,
    // SQLite is synchronous: a query cannot be cut off, only a use not yet started
    slow: 'SELECT 1',
  },
];

async function available(t: TestContext, row: Row): Promise<boolean> {
  return row.service === undefined || requireService(t, row.service[0], row.service[1]);
}

for (const row of ROWS) {
  describe(`createSqlClient(${row.dialect})`, () => {
    const clients: SqlClient[] = [];
    const client = (options = {}): SqlClient => {
      const made = createSqlClient(row.url(), options);
      clients.push(made);
      return made;
    };
    after(async () => {
      await Promise.all(clients.map((made) => made.close()));
    });

    it('names its dialect', () => {
      assert.equal(client().dialect, row.dialect);
    });

    it('runs a query with parameters and returns its rows and rowCount', async (t) => {
      if (!(await available(t, row))) return;
      const result = await client().query<{ n: number | bigint; s: string }>(row.selectParams, [7, 'seven']);
      assert.equal(result.rowCount, 1);
      assert.equal(result.rows.length, 1);
      assert.equal(Number(result.rows[0]?.n), 7);
      assert.equal(result.rows[0]?.s, 'seven');
    });

    it('passes parameters as parameters, never spliced into the SQL', async (t) => {
      if (!(await available(t, row))) return;
      const hostile = "x'); DROP TABLE users; --";
      const { rows } = await client().query<{ s: string }>(row.selectParams, [1, hostile]);
      assert.equal(rows[0]?.s, hostile);
    });

    it('gives the changed rows as rowCount for INSERT, UPDATE and DELETE, with no rows', async (t) => {
      if (!(await available(t, row))) return;
      const sql = client();
      await sql.query(`CREATE TABLE ${TABLE} (x INTEGER)`);
      try {
        assert.deepEqual(await sql.query(row.insertTwo, [1, 2]), { rows: [], rowCount: 2 });
        assert.equal((await sql.query(`UPDATE ${TABLE} SET x = x + 10`)).rowCount, 2);
        assert.equal((await sql.query(`DELETE FROM ${TABLE} WHERE x = 11`)).rowCount, 1);
        const left = await sql.query<{ x: number }>(`SELECT x FROM ${TABLE}`);
        assert.deepEqual([left.rowCount, left.rows.map((r) => Number(r.x))], [1, [12]]);
      } finally {
        await sql.query(`DROP TABLE ${TABLE}`);
      }
    });

    it('a failed query rejects with the server’s reason and does not poison the next one', async (t) => {
      if (!(await available(t, row))) return;
      const sql = client();
      await assert.rejects(sql.query('SELECT * FROM shipshape_no_such_table'), /shipshape_no_such_table/);
      assert.equal((await sql.query('SELECT 1 AS one')).rowCount, 1);
    });

    it('a signal already aborted rejects with its reason before any work', async (t) => {
      if (!(await available(t, row))) return;
      const sql = client();
      const reason = new Error('deadline passed');
      await assert.rejects(sql.query('SELECT 1', [], AbortSignal.abort(reason)), (error) => error === reason);
      assert.equal((await sql.query('SELECT 1 AS one')).rowCount, 1);
    });

    if (row.connectionId) {
      const idQuery = row.connectionId;
      it('a signal that aborts mid-query destroys the connection; the next query reconnects', async (t) => {
        if (!(await available(t, row))) return;
        const sql = client();
        const [first] = (await sql.query<{ id: number }>(idQuery)).rows;
        const reason = new Error('timed out after 100 ms');
        const controller = new AbortController();
        setTimeout(() => controller.abort(reason), 100);
        const started = performance.now();
        await assert.rejects(sql.query(row.slow, [], controller.signal), (error) => error === reason);
        assert.ok(performance.now() - started < 2000, 'answered at the abort, not after the statement');
        const [second] = (await sql.query<{ id: number }>(idQuery)).rows;
        assert.notEqual(Number(second?.id), Number(first?.id), 'a new connection');
      });

      it('keeps one connection across queries', async (t) => {
        if (!(await available(t, row))) return;
        const sql = client();
        const ids = new Set<number>();
        for (let i = 0; i < 3; i += 1) ids.add(Number((await sql.query<{ id: number }>(idQuery)).rows[0]?.id));
        assert.equal(ids.size, 1);
      });
    }

    it('after close() every query fails with CLOSED_MESSAGE; close() is idempotent', async (t) => {
      if (!(await available(t, row))) return;
      const sql = client();
      await sql.query('SELECT 1');
      await sql.close();
      await sql.close();
      await assert.rejects(sql.query('SELECT 1'), { message: CLOSED_MESSAGE });
      const unused = client();
      await unused.close();
      await assert.rejects(unused.query('SELECT 1'), { message: CLOSED_MESSAGE }, 'closed before its first query');
    });
  });
}

describe('createSqlClient: URLs and options', () => {
  it('redacts the URL’s credentials in target', () => {
    assert.equal(createSqlClient('postgres://app:Zq-target-pw@db:5432/app').target, 'postgres://***@db:5432/app');
    assert.equal(createSqlClient('mariadb://root:Zq-target-pw@db/test').target, 'mariadb://***@db/test');
    assert.equal(createSqlClient('sqlite:./app.db').target, 'sqlite:./app.db');
  });

  it('picks the dialect by scheme', () => {
    const dialects = ['postgres://db/x', 'postgresql://db/x', 'mysql://db/x', 'mariadb://db/x', 'sqlite:x.db', 'file:///x.db'].map((url) => createSqlClient(url).dialect);
    assert.deepEqual(dialects, ['postgres', 'postgres', 'mysql', 'mysql', 'sqlite', 'sqlite']);
  });

  it('rejects a URL of no database, without its password', () => {
    for (const url of ['redis://:Zq-client-pw@cache:6379', 'not a url', '/var/app.db']) {
      assert.throws(
        () => createSqlClient(url),
        (error: unknown) => error instanceof TypeError && /Expected a database URL \(postgres: postgresql: mysql: mariadb: sqlite: file:\)/.test(error.message) && !error.message.includes('Zq-client-pw'),
        url,
      );
    }
  });

  it('opens nothing until the first query', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const admin = await pgAdmin();
    const name = `shipshape-t${process.pid}-lazy`;
    const sql = createSqlClient(POSTGRES_URL, { applicationName: name });
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal((await admin.ids(name)).length, 0);
      await sql.query('SELECT 1');
      assert.equal((await admin.ids(name)).length, 1, 'named by applicationName');
      await sql.close();
      await admin.waitForNone(name);
    } finally {
      await sql.close();
      await admin.close();
    }
  });

  it('with reopen: false, fails once its connection is lost instead of opening another (a session lock died with it)', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const admin = await pgAdmin();
    const name = `shipshape-t${process.pid}-noreopen`;
    const sql = createSqlClient(POSTGRES_URL, { applicationName: name, reopen: false });
    try {
      await sql.query('SELECT 1');
      assert.equal(await admin.kill(name), 1);
      await admin.waitForNone(name);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await assert.rejects(sql.query('SELECT 1'));
      await assert.rejects(sql.query('SELECT 1'), /not reopened/);
      assert.equal((await admin.ids(name)).length, 0, 'opened nothing');
    } finally {
      await sql.close();
      await admin.close();
    }
  });

  it('SQLite: readOnly refuses writes, and a missing file fails, naming it, and is not created', async () => {
    const path = join(dir, 'ro.db');
    const writer = createSqlClient(`file://${path}`);
    await writer.query('CREATE TABLE t (x INTEGER)');
    await writer.close();
    const reader = createSqlClient(`file://${path}`, { readOnly: true });
    try {
      assert.equal((await reader.query('SELECT COUNT(*) AS n FROM t')).rowCount, 1);
      await assert.rejects(reader.query('INSERT INTO t VALUES (1)'), /readonly/i);
    } finally {
      await reader.close();
    }
    const missing = join(dir, 'missing.db');
    for (const readOnly of [true, false]) {
      const sql = createSqlClient(`sqlite:${missing}`, { readOnly });
      try {
        await assert.rejects(sql.query('SELECT 1'), (error: Error) => error.message.includes(missing));
        assert.equal(existsSync(missing), false);
      } finally {
        await sql.close();
      }
    }
  });
});

describe('createSqlClient({ reopen: false, onLost })', () => {
  it('postgres: a backend ended by the server calls onLost once, at once, and later queries fail', async (t) => {
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

  it('mariadb: a KILLed connection calls onLost once, and later queries fail', async (t) => {
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

  it('close() is not a loss', async (t) => {
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
