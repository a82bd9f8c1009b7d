/**
 * postgres(url) beyond the shared SQL URL matrix (test/_helpers/describe-sql-url-check.ts):
 * its application_name and its URL forms; and building the check. The app's own clients
 * (pg Pool and Client, postgres.js) are in postgres-clients.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { postgres } from '../../src/checks/postgres.js';
import { InvalidOptionError, isShipshapeError } from '../../src/core/errors.js';
import { describeSqlUrlCheck } from '../_helpers/describe-sql-url-check.js';
import { assertPassesOnce, runCheck } from '../_helpers/run-check.js';
import { pgAdmin, type PgAdmin } from '../_helpers/sql-admin.js';
import { POSTGRES_URL, requireService } from '../_helpers/services.js';
import { refusedPort } from '../_helpers/sockets.js';

const spec = (check: ReturnType<typeof postgres>) => check as Required<ReturnType<typeof postgres>>;

describeSqlUrlCheck('postgres');

describe('postgres() given a URL: application_name and URL forms', () => {
  let admin: PgAdmin | undefined;
  after(() => admin?.close());

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
    const name = `shipshape-t${process.pid}-url`;
    const check = spec(postgres(`${POSTGRES_URL}?application_name=${name}`));
    try {
      assert.equal((await runCheck(check)).ok, true);
      assert.equal((await admin.pids(name)).length, 1);
    } finally {
      await check.close();
    }
  });

  test('accepts both Unix-socket forms', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    if (!existsSync('/var/run/postgresql/.s.PGSQL.5432')) {
      t.diagnostic('no PostgreSQL socket in /var/run/postgresql: Unix-socket URLs not exercised');
      return;
    }
    for (const url of ['postgres://postgres@/test?host=/var/run/postgresql', 'postgres://postgres@%2Fvar%2Frun%2Fpostgresql/test']) {
      await assertPassesOnce(postgres(url), url);
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
