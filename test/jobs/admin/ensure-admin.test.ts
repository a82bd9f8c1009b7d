/**
 * `ensureAdmin` from `shipshape/jobs`: created, then not created; a password validated only
 * when it is stored (WeakPasswordError with its reasons); ten concurrent callers making one
 * row in a SQL table without a unique index, on real PostgreSQL and MariaDB; and options that
 * do not name one store refused in the API's own words.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { InvalidOptionError, ShipshapeError, type AdminUser } from '../../../src/index.js';
import { ensureAdmin, WeakPasswordError } from '../../../src/jobs/index.js';
import { GOOD_PASSWORD, uniqueTable } from '../../_helpers/ensureadmin.js';
import { MYSQL_URL, POSTGRES_URL, requireService } from '../../_helpers/services.js';
import { refusedPort } from '../../_helpers/sockets.js';

/** The app's own store in miniature, as the config's `admin` hooks would reach it. */
function memoryHooks() {
  const users = new Map<string, AdminUser>();
  return {
    users,
    hooks: {
      find: async (username: string) => users.get(username),
      create: async (user: AdminUser) => void users.set(user.username, user),
      setPassword: async (user: AdminUser) => void users.set(user.username, { ...users.get(user.username)!, password: user.password }),
    },
  };
}

describe('ensureAdmin with hooks', () => {
  test('creates the user once; then it exists and nothing changes, unless updatePassword', async () => {
    const { users, hooks } = memoryHooks();
    assert.deepEqual(await ensureAdmin({ username: 'admin', password: GOOD_PASSWORD, email: 'admin@example.com', hooks }), { created: true, updated: false });
    assert.deepEqual(users.get('admin'), { username: 'admin', email: 'admin@example.com', password: GOOD_PASSWORD });
    assert.deepEqual(await ensureAdmin({ username: 'admin', password: `${GOOD_PASSWORD}-new`, hooks }), { created: false, updated: false });
    assert.equal(users.get('admin')!.password, GOOD_PASSWORD, 'the password neither');
    assert.deepEqual(await ensureAdmin({ username: 'admin', password: `${GOOD_PASSWORD}-new`, hooks, updatePassword: true }), { created: false, updated: true });
    assert.equal(users.get('admin')!.password, `${GOOD_PASSWORD}-new`);
  });

  test('rejects a weak password with WeakPasswordError and its reasons, only when it would be stored', async () => {
    const { users, hooks } = memoryHooks();
    const error = await ensureAdmin({ username: 'admin', password: 'Sunshine1', hooks }).catch((rejection: unknown) => rejection);
    assert.ok(error instanceof WeakPasswordError);
    assert.equal(error.code, 'SHIPSHAPE_WEAK_PASSWORD');
    assert.deepEqual(error.reasons, ['it is too common']);
    assert.equal(error.message, 'password rejected: it is too common');
    assert.equal(users.size, 0);
    await assert.rejects(ensureAdmin({ username: 'admin', password: '12345', hooks }), (rejection) =>
      rejection instanceof WeakPasswordError && rejection.reasons.includes('it is entirely numeric') && rejection.reasons.some((reason) => reason.startsWith('it is too short')),
    );
    assert.deepEqual(await ensureAdmin({ username: 'admin', password: 'Sunshine1', hooks, validate: false }), { created: true, updated: false });
    // exists: a weak password is not stored, so it is not judged
    assert.deepEqual(await ensureAdmin({ username: 'admin', password: '12345', hooks }), { created: false, updated: false });
  });

  test("wraps the app's failure in a ShipshapeError whose message cannot show the password", async () => {
    const hooks = { find: async () => null, create: async (user: AdminUser) => { throw new Error(`insert failed for password=${user.password}`); } };
    await assert.rejects(ensureAdmin({ username: 'admin', password: GOOD_PASSWORD, hooks }), (error) => {
      assert.ok(error instanceof ShipshapeError);
      assert.equal((error as Error).message, 'insert failed for password=***');
      return true;
    });
  });

  test('refuses options that name no store, or two, in its own words', async () => {
    const invalid = (pattern: RegExp) => (error: unknown) => error instanceof InvalidOptionError && pattern.test(error.message);
    const user = { username: 'admin', password: GOOD_PASSWORD };
    await assert.rejects(ensureAdmin(user), invalid(/^no store: pass `table` and `hasher`, `preset: 'django'`, or `hooks`$/));
    await assert.rejects(ensureAdmin({ ...user, table: 'users', database: POSTGRES_URL }), invalid(/^`table` needs `hasher` \(argon2id, bcrypt, scrypt, pbkdf2_sha256\)/));
    await assert.rejects(ensureAdmin({ ...user, hasher: 'scrypt', hooks: memoryHooks().hooks }), invalid(/^`hasher` needs `table` \(or `preset: 'django'`\)$/));
    await assert.rejects(ensureAdmin({ ...user, table: 'users; DROP TABLE x', hasher: 'scrypt', database: POSTGRES_URL }), invalid(/^`table` "users; DROP TABLE x" is not a plain SQL identifier/));
    await assert.rejects(ensureAdmin({ ...user, table: 'users', hasher: 'scrypt', set: { email: 'x' }, database: POSTGRES_URL }), invalid(/the column "email" is named twice \(`set`\)/));
    await assert.rejects(ensureAdmin({ ...user, table: 'users', hasher: 'scrypt', database: 'sqlite:///tmp/x.db' }), invalid(/^ensureAdmin\(\) needs a postgres:\/\//));
    await assert.rejects(ensureAdmin({ ...user, hooks: memoryHooks().hooks, email: 'not an email' }), invalid(/the email must look like name@domain/));
    await assert.rejects(ensureAdmin({ ...user, hooks: memoryHooks().hooks, admin: true } as never), invalid(/^Unknown option `admin`/));
    await assert.rejects(ensureAdmin({ ...user, password: '', hooks: memoryHooks().hooks }), invalid(/`password` to be a non-empty string/));
  });
});

const SQL = [
  {
    name: 'postgres',
    port: 5432,
    url: POSTGRES_URL,
    async open() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      return { query: async (text: string) => (await client.query(text)).rows as Record<string, unknown>[], close: () => client.end() };
    },
  },
  {
    name: 'mariadb',
    port: 3306,
    url: MYSQL_URL,
    async open() {
      const connection = await mysql.createConnection(MYSQL_URL);
      return { query: async (text: string) => (await connection.query(text))[0] as Record<string, unknown>[], close: () => connection.end() };
    },
  },
] as const;

for (const database of SQL) {
  describe(`ensureAdmin with a SQL table on ${database.name}`, () => {
    test('creates the row with a hash; then it exists; ten callers at once make one row (no unique index)', async (t) => {
      if (!(await requireService(t, database.name, database.port))) return;
      const sql = await database.open();
      const table = uniqueTable('ea_jobs');
      t.after(async () => {
        await sql.query(`DROP TABLE IF EXISTS ${table}`);
        await sql.close();
      });
      await sql.query(`CREATE TABLE ${table} (username varchar(150) NOT NULL, email varchar(254), password_hash varchar(255) NOT NULL, role varchar(20))`);
      const options = { database: database.url, table, hasher: 'scrypt', set: { role: 'admin' } } as const;
      assert.deepEqual(await ensureAdmin({ ...options, username: 'first', password: GOOD_PASSWORD }), { created: true, updated: false });
      assert.deepEqual(await ensureAdmin({ ...options, username: 'first', password: GOOD_PASSWORD }), { created: false, updated: false });
      const [row] = await sql.query(`SELECT role, password_hash FROM ${table} WHERE username = 'first'`);
      assert.equal(row?.role, 'admin');
      assert.match(String(row?.password_hash), /^\$scrypt\$ln=17,r=8,p=1\$/);

      // a cheap hash for the crowd: each of the ten hashes before it knows whether it will insert
      const crowd = { ...options, hasher: 'pbkdf2_sha256', iterations: 1000, username: 'crowd', password: GOOD_PASSWORD } as const;
      const results = await Promise.all(Array.from({ length: 10 }, () => ensureAdmin(crowd)));
      assert.equal(results.filter((result) => result.created).length, 1, JSON.stringify(results));
      assert.ok(results.every((result) => !result.updated));
      const rows = await sql.query(`SELECT username FROM ${table} WHERE username = 'crowd'`);
      assert.equal(rows.length, 1, 'one row');
    });

    test('names the database, redacted, when it cannot be reached', async () => {
      const url = new URL(database.url);
      url.port = String(await refusedPort());
      url.password = 's3cret-admin-db';
      await assert.rejects(ensureAdmin({ database: url.href, table: 'users', hasher: 'pbkdf2_sha256', iterations: 1000, username: 'admin', password: GOOD_PASSWORD }), (error) => {
        assert.ok(error instanceof ShipshapeError);
        assert.match(error.message, new RegExp(`ECONNREFUSED.* \\(${url.protocol}//\\*\\*\\*@127\\.0\\.0\\.1:${url.port}/test\\)$`));
        assert.doesNotMatch(error.message, /s3cret-admin-db/);
        return true;
      });
    });
  });
}
