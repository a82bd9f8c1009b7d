/**
 * `ensureadmin --preset django` against real Django (Debian's python3-django): a throwaway
 * project migrated by Django itself on a fresh PostgreSQL database, then Django's own
 * `authenticate()` must accept the admin; a user Django created is left alone. And the
 * same row on MariaDB, in a table shaped like Django's MySQL `auth_user`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { DJANGO_ITERATIONS } from '../../src/jobs/admin/hashers/pbkdf2-sha256.js';
import { shipshape } from '../_helpers/cli.js';
import { djangoProject, type DjangoProject } from '../_helpers/django.js';
import { GOOD_PASSWORD, uniqueTable } from '../_helpers/ensureadmin.js';
import { passlibVerifies, requirePython } from '../_helpers/python.js';
import { MYSQL_URL, requireService } from '../_helpers/services.js';

const CLEAN_ENV = Object.fromEntries(
  ['ADMIN', 'DJANGO_SUPERUSER'].flatMap((prefix) => ['USERNAME', 'PASSWORD', 'EMAIL'].flatMap((name) => [`${prefix}_${name}`, `${prefix}_${name}_FILE`])).map((name) => [name, undefined]),
);

describe('shipshape ensureadmin --preset django, with real Django on PostgreSQL', () => {
  let django: DjangoProject | undefined;
  let ready: Promise<boolean> | undefined;
  before(() => {
    ready = (async () => {
      try {
        django = await djangoProject();
        return true;
      } catch {
        return false;
      }
    })();
  });
  after(async () => {
    await ready;
    await django?.cleanup();
  });
  const available = async (t: Parameters<typeof requireService>[0]): Promise<boolean> => {
    if (!(await requireService(t, 'postgresql', 5432)) || !requirePython(t, ['django', 'psycopg2'])) return false;
    assert.ok(await ready, 'the Django project could be set up');
    return true;
  };
  const run = (args: string[], env: Record<string, string | undefined>) => shipshape(['ensureadmin', '--preset', 'django', '-d', django!.url, ...args], { env: { ...CLEAN_ENV, ...env } });

  it("creates a superuser that Django's authenticate() accepts, from DJANGO_SUPERUSER_*, with the username NFKC-normalized", async (t) => {
    if (!(await available(t))) return;
    const started = Date.now();
    // fullwidth letters: Django's normalize_username (NFKC) makes them "ada"
    const result = await run([], { DJANGO_SUPERUSER_USERNAME: 'ａｄａ', DJANGO_SUPERUSER_PASSWORD: GOOD_PASSWORD, DJANGO_SUPERUSER_EMAIL: 'Ada@EXAMPLE.com' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'admin user created\n');
    const [stored] = django!.users();
    assert.match(stored!.password, new RegExp(`^pbkdf2_sha256\\$${DJANGO_ITERATIONS}\\$[A-Za-z0-9]{22}\\$`));
    const user = django!.authenticate('ada', GOOD_PASSWORD);
    assert.ok(user, 'Django accepts the password');
    assert.deepEqual(
      { username: user.username, email: user.email, first_name: user.first_name, last_name: user.last_name, is_superuser: user.is_superuser, is_staff: user.is_staff, is_active: user.is_active },
      { username: 'ada', email: 'Ada@example.com', first_name: '', last_name: '', is_superuser: true, is_staff: true, is_active: true },
    );
    assert.ok(Math.abs(Date.parse(stored!.date_joined) - started) < 10 * 60_000, `date_joined ${stored!.date_joined} is now`);
    assert.equal(stored!.last_login, null);
    assert.equal(django!.authenticate('ada', 'not the password'), null);
  });

  it('leaves a superuser that Django created alone, its password included', async (t) => {
    if (!(await available(t))) return;
    django!.createsuperuser('grace', 'grace@example.com', 'Django-made password 1');
    const result = await run(['-u', 'grace'], { ADMIN_PASSWORD: GOOD_PASSWORD });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'admin user already exists\n');
    assert.ok(django!.authenticate('grace', 'Django-made password 1'));
    assert.equal(django!.authenticate('grace', GOOD_PASSWORD), null);
  });

  it('takes ADMIN_* before DJANGO_SUPERUSER_*, --iterations, and --update-password; five runs at once make one user', async (t) => {
    if (!(await available(t))) return;
    const env = { ADMIN_USERNAME: 'linus', ADMIN_PASSWORD: GOOD_PASSWORD, DJANGO_SUPERUSER_USERNAME: 'ignored', DJANGO_SUPERUSER_PASSWORD: 'ignored too' };
    const runs = await Promise.all(Array.from({ length: 5 }, () => run(['--iterations', '100000'], env)));
    assert.deepEqual(runs.map((r) => r.status), [0, 0, 0, 0, 0], runs.map((r) => r.stderr).join(''));
    assert.equal(runs.filter((r) => r.stdout === 'admin user created\n').length, 1);
    const linus = django!.users().filter((user) => user.username === 'linus');
    assert.equal(linus.length, 1);
    assert.match(linus[0]!.password, /^pbkdf2_sha256\$100000\$/);
    assert.ok(!django!.users().some((user) => user.username === 'ignored'));
    const updated = await run(['--update-password'], { ...env, ADMIN_PASSWORD: 'a n3w Passphrase' });
    assert.equal(updated.stdout, 'admin user password updated\n');
    assert.ok(django!.authenticate('linus', 'a n3w Passphrase'));
  });

  it('exits 2 on a username Django would refuse, and on --hasher with the preset', async (t) => {
    if (!(await available(t))) return;
    const bad = await run(['-u', 'two words'], { ADMIN_PASSWORD: GOOD_PASSWORD });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /the username is not one Django accepts/);
    const hasher = await run(['-u', 'x', '--hasher', 'argon2id'], { ADMIN_PASSWORD: GOOD_PASSWORD });
    assert.equal(hasher.status, 2);
    assert.match(hasher.stderr, /--preset django hashes with pbkdf2_sha256/);
  });
});

describe('shipshape ensureadmin --preset django on MariaDB', () => {
  it("writes the row Django's MySQL auth_user holds: flags as 1, names '', date_joined in UTC, a hash passlib reads", async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    const table = uniqueTable('ea_auth_user');
    const connection = await mysql.createConnection({ uri: MYSQL_URL, timezone: 'Z', dateStrings: true });
    try {
      // the columns Django 3.2's migrations give auth_user on MySQL
      await connection.query(`CREATE TABLE ${table} (id integer AUTO_INCREMENT PRIMARY KEY, password varchar(128) NOT NULL, last_login datetime(6) NULL,
        is_superuser bool NOT NULL, username varchar(150) NOT NULL UNIQUE, first_name varchar(150) NOT NULL, last_name varchar(150) NOT NULL,
        email varchar(254) NOT NULL, is_staff bool NOT NULL, is_active bool NOT NULL, date_joined datetime(6) NOT NULL)`);
      const result = await shipshape(['ensureadmin', '--preset', 'django', '--table', table, '--iterations', '1000', '-d', MYSQL_URL, '-u', 'root'], { env: { ...CLEAN_ENV, ADMIN_PASSWORD: GOOD_PASSWORD } });
      assert.equal(result.status, 0, result.stderr);
      const [rows] = await connection.query(`SELECT * FROM ${table}`);
      const [row] = rows as Record<string, unknown>[];
      assert.deepEqual(
        { is_superuser: row?.is_superuser, is_staff: row?.is_staff, is_active: row?.is_active, first_name: row?.first_name, last_name: row?.last_name, email: row?.email, last_login: row?.last_login },
        { is_superuser: 1, is_staff: 1, is_active: 1, first_name: '', last_name: '', email: '', last_login: null },
      );
      assert.ok(Math.abs(Date.parse(`${String(row?.date_joined).replace(' ', 'T')}Z`) - Date.now()) < 10 * 60_000, `date_joined ${String(row?.date_joined)} is now, in UTC`);
      if (!requirePython(t, ['passlib'])) return;
      assert.equal(passlibVerifies('django_pbkdf2_sha256', GOOD_PASSWORD, String(row?.password)), true);
    } finally {
      await connection.query(`DROP TABLE IF EXISTS ${table}`);
      await connection.end();
    }
  });
});
