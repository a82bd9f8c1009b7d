/**
 * `ensureadmin --table` on real PostgreSQL and MariaDB, through the binary: the row it
 * writes (hash verified by passlib), --set, custom columns, --update-password, strict
 * identifiers, values that stay values, 20 runs at once making one row, and failures that
 * are a reason, not a crash or a hang.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { runCli } from '../../src/cli/cli.js';
import { memoryIO, shipshape } from '../_helpers/cli.js';
import { GOOD_PASSWORD, uniqueTable } from '../_helpers/ensureadmin.js';
import { passlibVerifies, requirePython } from '../_helpers/python.js';
import { MYSQL_URL, POSTGRES_URL, requireService } from '../_helpers/services.js';
import { refusedPort, startBlackhole } from '../_helpers/sockets.js';

interface Admin {
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

const DIALECTS = [
  {
    name: 'PostgreSQL',
    url: POSTGRES_URL,
    port: 5432,
    async connect(): Promise<Admin> {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      return { query: async (sql, params) => (await client.query(sql.replace(/\?/g, (() => { let n = 0; return () => `$${++n}`; })()), params)).rows, close: () => client.end() };
    },
    table: (name: string, unique: boolean) =>
      `CREATE TABLE ${name} (id serial PRIMARY KEY, username text NOT NULL${unique ? ' UNIQUE' : ''}, email text, password_hash text NOT NULL, role text, is_admin boolean NOT NULL DEFAULT false, login text, mail text, pw text)`,
  },
  {
    name: 'MariaDB',
    url: MYSQL_URL,
    port: 3306,
    async connect(): Promise<Admin> {
      const connection = await mysql.createConnection(MYSQL_URL);
      return { query: async (sql, params) => (await connection.query(sql, params))[0] as Record<string, unknown>[], close: () => connection.end() };
    },
    table: (name: string, unique: boolean) =>
      `CREATE TABLE ${name} (id int AUTO_INCREMENT PRIMARY KEY, username varchar(150) NOT NULL${unique ? ' UNIQUE' : ''}, email varchar(254), password_hash varchar(255) NOT NULL, role varchar(50), is_admin tinyint(1) NOT NULL DEFAULT 0, login varchar(150), mail varchar(254), pw varchar(255))`,
  },
] as const;

for (const dialect of DIALECTS) {
  describe(`shipshape ensureadmin --table on ${dialect.name}`, () => {
    let admin: Admin | undefined;
    const tables: string[] = [];
    before(async () => {
      admin = await dialect.connect().catch(() => undefined);
    });
    after(async () => {
      for (const table of tables) await admin?.query(`DROP TABLE IF EXISTS ${table}`);
      await admin?.close();
    });
    const table = async (t: TestContext, unique = true): Promise<string | undefined> => {
      if (!(await requireService(t, dialect.name, dialect.port))) return undefined;
      const name = uniqueTable();
      tables.push(name);
      await admin!.query(dialect.table(name, unique));
      return name;
    };
    const run = (args: string[], env: Record<string, string> = {}, killAfterMs?: number) =>
      shipshape(['ensureadmin', '-d', dialect.url, ...args], { env: { ADMIN_USERNAME: undefined, ADMIN_PASSWORD: GOOD_PASSWORD, ADMIN_EMAIL: undefined, ...env }, killAfterMs });

    it('creates the row with the default columns and --set values, hashed as passlib verifies; a second run changes nothing', async (t) => {
      const name = await table(t);
      if (!name) return;
      const first = await run(['--table', name, '--hasher', 'argon2id', '-u', 'admin', '-e', 'admin@example.com', '--set', 'role=admin', '--set', 'is_admin=1']);
      assert.equal(first.status, 0, first.stderr);
      assert.equal(first.stdout, 'admin user created\n');
      assert.equal(first.stderr, '');
      const [row] = await admin!.query(`SELECT username, email, password_hash, role, is_admin FROM ${name}`);
      assert.equal(row?.username, 'admin');
      assert.equal(row?.email, 'admin@example.com');
      assert.equal(row?.role, 'admin');
      assert.ok(row?.is_admin === true || row?.is_admin === 1);
      assert.match(String(row?.password_hash), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      const second = await run(['--table', name, '--hasher', 'argon2id', '-u', 'admin'], { ADMIN_PASSWORD: 'another-Passw0rd!' });
      assert.equal(second.status, 0, second.stderr);
      assert.equal(second.stdout, 'admin user already exists\n');
      const rows = await admin!.query(`SELECT password_hash FROM ${name}`);
      assert.deepEqual(rows.map((r) => r.password_hash), [row?.password_hash]);
      if (!requirePython(t, ['passlib', 'argon2'])) return;
      assert.equal(passlibVerifies('argon2', GOOD_PASSWORD, String(row?.password_hash)), true);
    });

    it('makes exactly one row when 20 runs start at once for a new user, all exiting 0, even without a unique index', async (t) => {
      const name = await table(t, false);
      if (!name) return;
      const runs = await Promise.all(Array.from({ length: 20 }, () => run(['--table', name, '--hasher', 'pbkdf2_sha256', '--iterations', '1000', '-u', 'racer'], {}, 240_000)));
      assert.deepEqual(runs.map((r) => r.status), Array(20).fill(0), runs.map((r) => r.stderr).join(''));
      const outputs = runs.map((r) => r.stdout).sort();
      assert.deepEqual(outputs, ['admin user already exists\n', ...Array(18).fill('admin user already exists\n'), 'admin user created\n'].sort());
      assert.deepEqual(await admin!.query(`SELECT COUNT(*) AS n FROM ${name}`).then((rows) => Number(rows[0]?.n)), 1);
    });

    it('writes to the columns named by --username-field, --email-field and --password-field, and --update-password re-hashes', async (t) => {
      const name = await table(t);
      if (!name) return;
      const fields = ['--table', name, '--username-field', 'login', '--email-field', 'mail', '--password-field', 'pw', '--set', 'username=unused', '--set', 'password_hash=x'];
      const created = await run([...fields, '--hasher', 'scrypt', '-u', 'root', '-e', 'root@example.com']);
      assert.equal(created.status, 0, created.stderr);
      const [before] = await admin!.query(`SELECT login, mail, pw FROM ${name}`);
      assert.deepEqual([before?.login, before?.mail], ['root', 'root@example.com']);
      assert.match(String(before?.pw), /^\$scrypt\$ln=17,r=8,p=1\$/);
      const updated = await run([...fields, '--hasher', 'bcrypt', '-u', 'root', '--update-password'], { ADMIN_PASSWORD: 'n3w-Passphrase!' });
      assert.equal(updated.status, 0, updated.stderr);
      assert.equal(updated.stdout, 'admin user password updated\n');
      const [after] = await admin!.query(`SELECT pw FROM ${name}`);
      assert.match(String(after?.pw), /^\$2b\$12\$/);
      if (!requirePython(t, ['passlib', 'bcrypt'])) return;
      assert.equal(passlibVerifies('bcrypt', 'n3w-Passphrase!', String(after?.pw)), true);
    });

    it('sends --set values and the username as parameters, so SQL in them is stored as text', async (t) => {
      const name = await table(t);
      if (!name) return;
      const evil = `x'); DROP TABLE ${name}; --`;
      const result = await run(['--table', name, '--hasher', 'pbkdf2_sha256', '--iterations', '1000', '-u', `a"b'c`, '--set', `role=${evil}`]);
      assert.equal(result.status, 0, result.stderr);
      const [row] = await admin!.query(`SELECT username, email, role FROM ${name}`);
      assert.deepEqual([row?.username, row?.email, row?.role], [`a"b'c`, null, evil]);
    });

    it('exits 1 with the database reason when the table does not exist, naming the target without credentials', async (t) => {
      if (!(await requireService(t, dialect.name, dialect.port))) return;
      const result = await run(['--table', `missing_${process.pid}`, '--hasher', 'scrypt', '-u', 'admin']);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^shipshape ensureadmin: .*missing_\d+.* \((postgres|mysql):\/\/(\*\*\*@)?127\.0\.0\.1:\d+\/test\)\n$/);
    });
  });
}

describe('shipshape ensureadmin --table: usage and unreachable databases', () => {
  const run = (args: string[]) => shipshape(['ensureadmin', '-u', 'admin', ...args], { env: { ADMIN_PASSWORD: GOOD_PASSWORD } });
  // the usage tables run in-process (runCli, what main.ts runs): the same code without
  // paying a Node start-up per case; one case of each also runs through the binary
  const runInProcess = async (args: string[]) => {
    const io = memoryIO({ env: { ADMIN_PASSWORD: GOOD_PASSWORD } });
    const status = await runCli(['ensureadmin', '-u', 'admin', ...args], io);
    return { status, stderr: io.err() };
  };

  it('exits 2 on identifiers that are not plain, naming the flag, before connecting', async () => {
    const url = `postgres://127.0.0.1:${await refusedPort()}/x`;
    for (const [args, message] of [
      [['--table', 'users; DROP TABLE x'], /--table "users; DROP TABLE x" is not a plain SQL identifier/],
      [['--table', 'a.b.c'], /--table "a.b.c" is not a plain SQL identifier/],
      [['--table', 'users', '--username-field', 'user name'], /--username-field "user name" is not a plain SQL identifier/],
      [['--table', 'users', '--password-field', '"pw"'], /--password-field "\\"pw\\"" is not a plain SQL identifier/],
      [['--table', 'users', '--set', '1role=admin'], /--set "1role" is not a plain SQL identifier/],
      [['--table', 'users', '--set', 'role'], /--set takes COLUMN=VALUE/],
      [['--table', 'users', '--set', 'email=x'], /the column "email" is named twice \(--set\)/],
    ] as const) {
      const result = await runInProcess(['-d', url, '--hasher', 'scrypt', ...args]);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1);
    }
    const binary = await run(['-d', url, '--hasher', 'scrypt', '--table', 'users; DROP TABLE x']);
    assert.equal(binary.status, 2);
    assert.match(binary.stderr, /is not a plain SQL identifier/);
  });

  it('exits 2 without --hasher, on an unknown one, on --iterations with another hasher, on store flags without --table, and on SQLite', async () => {
    const cases = [
      [['--table', 'users', '-d', 'postgres://127.0.0.1/x'], /--table needs --hasher \(argon2id, bcrypt, scrypt, pbkdf2_sha256\)/],
      [['--table', 'users', '--hasher', 'md5', '-d', 'postgres://127.0.0.1/x'], /--hasher must be one of argon2id, bcrypt, scrypt, pbkdf2_sha256, got "md5"/],
      [['--table', 'users', '--hasher', 'argon2id', '--iterations', '5', '-d', 'postgres://127.0.0.1/x'], /--iterations goes with --hasher pbkdf2_sha256 only/],
      [['--table', 'users', '--hasher', 'pbkdf2_sha256', '--iterations', '0', '-d', 'postgres://127.0.0.1/x'], /--iterations must be a positive whole number, got "0"/],
      [['--hasher', 'scrypt'], /--hasher needs --table/],
      [['--set', 'a=b'], /--set needs --table/],
      [['--table', 'users', '--hasher', 'scrypt', '-d', 'sqlite:///tmp/x.db'], /needs a postgres:\/\/, postgresql:\/\/, mysql:\/\/ or mariadb:\/\/ database URL/],
      [['--table', 'users', '--hasher', 'scrypt', '--timeout', '0', '-d', 'postgres://127.0.0.1/x'], /--timeout must be a number of seconds above 0/],
    ] as const;
    for (const [args, message] of cases) {
      const result = await runInProcess([...args]);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    const binary = await run(['--table', 'users', '-d', 'postgres://127.0.0.1/x']);
    assert.equal(binary.status, 2);
    assert.match(binary.stderr, /--table needs --hasher/);
  });

  it('exits 1 with a short reason when the database refuses, and at --timeout when it never answers', async () => {
    const refused = await run(['--table', 'users', '--hasher', 'scrypt', '-d', `postgres://app:s3cret-pw@127.0.0.1:${await refusedPort()}/app`]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^shipshape ensureadmin: connect ECONNREFUSED 127\.0\.0\.1:\d+ \(postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/app\)\n$/);
    assert.ok(!refused.stderr.includes('s3cret-pw'));
    const blackhole = await startBlackhole();
    try {
      for (const scheme of ['postgres', 'mysql']) {
        const silent = await run(['--table', 'users', '--hasher', 'scrypt', '--timeout', '1', '-d', `${scheme}://root@127.0.0.1:${blackhole.port}/test`]);
        assert.equal(silent.status, 1, silent.stderr);
        assert.match(silent.stderr, new RegExp(`^shipshape ensureadmin: timed out after 1 s \\(${scheme}://\\*\\*\\*@127\\.0\\.0\\.1:\\d+/test\\)\\n$`));
        assert.ok(silent.elapsedMs < 30_000);
      }
    } finally {
      await blackhole.close();
    }
  });
});
