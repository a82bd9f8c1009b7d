/**
 * database() given a raw driver client or a URL (handed to postgres(), mysql(), sqlite()),
 * and building the check. The app's ORMs and query builders are in database-orms.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import Database from 'better-sqlite3';
import mysql2p from 'mysql2/promise';
import pg from 'pg';
import { database } from '../../src/checks/database.js';
import { DriverMissingError, InvalidOptionError } from '../../src/core/errors.js';
import { loadDriver } from '../../src/core/internal/load-driver.js';
import { assertPassesOnce } from '../_helpers/run-check.js';
import { MYSQL_URL, POSTGRES_URL, requireService } from '../_helpers/services.js';

const SECRET = 'pw-Zx9-secret';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'shipshape-database-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('database() with raw drivers and URLs', () => {
  test('hands pg, mysql2 and better-sqlite3 clients to postgres(), mysql() and sqlite()', async (t) => {
    if (!(await requireService(t, 'postgres', 5432)) || !(await requireService(t, 'mariadb', 3306))) return;
    const pool = new pg.Pool({ connectionString: POSTGRES_URL });
    const mysqlPool = mysql2p.createPool(MYSQL_URL);
    const sqliteDb = new Database(join(dir, 'raw.db'));
    try {
      await assertPassesOnce(database(pool), 'pg pool', 5000);
      await assertPassesOnce(database(mysqlPool), 'mysql2 pool', 5000);
      await assertPassesOnce(database(sqliteDb), 'better-sqlite3', 5000);
    } finally {
      sqliteDb.close();
      await Promise.all([pool.end(), mysqlPool.end()]);
    }
  });

  test('picks the check by URL scheme, and a bare path is an SQLite file', async (t) => {
    if (!(await requireService(t, 'postgres', 5432)) || !(await requireService(t, 'mariadb', 3306))) return;
    const file = join(dir, 'url.db');
    new Database(file).close();
    for (const url of [POSTGRES_URL, MYSQL_URL, MYSQL_URL.replace('mysql:', 'mariadb:'), file, `file://${file}`]) {
      await assertPassesOnce(database(url), url, 5000);
    }
  });

  test('a driver that is not installed is a DriverMissingError naming the package to install', async () => {
    await assert.rejects(loadDriver('shipshape-no-such-driver'), (error: unknown) => {
      assert.ok(error instanceof DriverMissingError);
      assert.equal(error.code, 'SHIPSHAPE_DRIVER_MISSING');
      assert.equal(error.packageName, 'shipshape-no-such-driver');
      assert.match(error.message, /npm install shipshape-no-such-driver/);
      return true;
    });
  });
});

describe('database() building', () => {
  test('an object nothing recognizes is an InvalidOptionError listing the supported clients', () => {
    for (const value of [{}, { query: async () => 1 }, new Date(), 5]) {
      assert.throws(
        () => database(value as never),
        (error: unknown) =>
          error instanceof InvalidOptionError &&
          /Prisma, Knex, Kysely, Drizzle, TypeORM DataSource, Sequelize, MikroORM or PGlite/.test(error.message) &&
          /pg, postgres\.js, mysql2, better-sqlite3 or node:sqlite/.test(error.message),
      );
    }
  });

  test('an unknown URL scheme is an InvalidOptionError naming the accepted schemes, without the password', () => {
    assert.throws(
      () => database(`redis://:${SECRET}@cache:6379/0`),
      (error: unknown) =>
        error instanceof InvalidOptionError &&
        error.message.includes('postgres://') &&
        error.message.includes('mariadb://') &&
        error.message.includes('`redis://`') &&
        !error.message.includes(SECRET),
    );
  });

  test('options are validated and passed through; run is named', async () => {
    const pglite = new PGlite();
    try {
      const check = database(pglite, { timeoutMs: 700, critical: false });
      assert.equal(check.timeoutMs, 700);
      assert.equal(check.critical, false);
      assert.equal(check.run.name, 'database');
      assert.throws(() => database(POSTGRES_URL, { cacheMs: 'x' as never }), /`cacheMs`/);
    } finally {
      await pglite.close();
    }
  });
});
