/**
 * mysql(url) runs the shared SQL URL matrix (test/_helpers/describe-sql-url-check.ts);
 * building the check is tested here. The app's own mysql2 pools and connections are in
 * mysql-clients.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { mysql } from '../../src/checks/mysql.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { describeSqlUrlCheck } from '../_helpers/describe-sql-url-check.js';
import { MYSQL_URL } from '../_helpers/services.js';
import { refusedPort } from '../_helpers/sockets.js';

describeSqlUrlCheck('mysql');

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

  test('options are validated and passed through; run is named', () => {
    const check = mysql(MYSQL_URL, { timeoutMs: 250, critical: false });
    assert.equal(check.timeoutMs, 250);
    assert.equal(check.critical, false);
    assert.equal(check.run.name, 'mysql');
    assert.throws(() => mysql(MYSQL_URL, { cacheMs: -5 }), /`cacheMs`/);
    assert.throws(() => mysql(MYSQL_URL, { applicationName: 'x' } as never), /Unknown option `applicationName`/);
  });
});
