import 'reflect-metadata';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { MikroORM } from '@mikro-orm/postgresql';
import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzleMysql } from 'drizzle-orm/mysql2';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import knex from 'knex';
import { Kysely, MysqlDialect, PostgresDialect } from 'kysely';
import mysql2 from 'mysql2';
import mysql2p from 'mysql2/promise';
import pg from 'pg';
import { Sequelize } from 'sequelize';
import { DataSource } from 'typeorm';
import { database } from '../../src/checks/database.js';
import { DriverMissingError, InvalidOptionError } from '../../src/core/errors.js';
import { loadDriver } from '../../src/core/internal/load-driver.js';
import { runCheck } from '../_helpers/run-check.js';
import { MYSQL_URL, POSTGRES_URL, requireService } from '../_helpers/services.js';
import { refusedPort, startBlackhole } from '../_helpers/sockets.js';

const TIMEOUT_MS = 300;
const SLACK_MS = 50;
const SECRET = 'pw-Zx9-secret';
const quiet = { warnWhenNoEntities: false };

async function assertPasses(client: object | string, label: string): Promise<void> {
  const check = database(client);
  try {
    const outcome = await runCheck(check, 5000);
    assert.equal(outcome.ok, true, `${label}: ${outcome.reason}`);
    assert.equal((outcome.value as { observedUnit?: string }).observedUnit, 'ms', label);
    assert.equal(typeof (outcome.value as { observedValue?: unknown }).observedValue, 'number', label);
  } finally {
    await check.close?.();
  }
}

let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shipshape-database-'));
  await Promise.all(['pg', 'mysql2', 'kysely', 'better-sqlite3'].map((name) => loadDriver(name)));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('database() with ORMs and query builders on PostgreSQL', () => {
  test('Knex: knex.raw("select 1")', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const db = knex({ client: 'pg', connection: POSTGRES_URL });
    try {
      await assertPasses(db, 'knex');
    } finally {
      await db.destroy();
    }
  });

  test('Kysely: executeQuery(CompiledQuery.raw("select 1")) with the app’s kysely', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: POSTGRES_URL }) }) });
    try {
      await assertPasses(db, 'kysely');
    } finally {
      await db.destroy();
    }
  });

  test('Drizzle (node-postgres): db.execute("select 1")', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const db = drizzlePg(POSTGRES_URL);
    try {
      await assertPasses(db, 'drizzle pg');
    } finally {
      await db.$client.end();
    }
  });

  test('TypeORM: fails until the DataSource is initialized, passes, fails after destroy()', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const source = new DataSource({ type: 'postgres', url: POSTGRES_URL });
    const check = database(source);
    const before = await runCheck(check);
    assert.equal(before.ok, false);
    assert.match(before.reason!, /not initialized/);
    await source.initialize();
    try {
      assert.equal((await runCheck(check)).ok, true);
    } finally {
      await source.destroy();
    }
    assert.equal((await runCheck(check)).ok, false);
  });

  test('Sequelize: sequelize.query("SELECT 1")', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const sequelize = new Sequelize(POSTGRES_URL, { logging: false });
    try {
      await assertPasses(sequelize, 'sequelize');
    } finally {
      await sequelize.close();
    }
  });

  test('MikroORM 7: a raw select 1 through em.getConnection(), even before the app’s first query', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const orm = await MikroORM.init({ clientUrl: POSTGRES_URL, entities: [], discovery: quiet });
    try {
      assert.equal(await orm.isConnected(), false, 'MikroORM 7 connects lazily');
      await assertPasses(orm, 'mikro-orm');
    } finally {
      await orm.close();
    }
  });

  test('MikroORM pointed at a refused port fails with ECONNREFUSED', async () => {
    const orm = await MikroORM.init({ clientUrl: `postgres://postgres@127.0.0.1:${await refusedPort()}/test`, entities: [], discovery: quiet });
    try {
      const outcome = await runCheck(database(orm), 2000);
      assert.equal(outcome.ok, false);
      assert.match(outcome.reason!, /ECONNREFUSED/);
    } finally {
      await orm.close();
    }
  });

  test('PGlite (in-process): query("select 1"), failing once closed', async () => {
    const pglite = new PGlite();
    await assertPasses(pglite, 'pglite');
    await pglite.close();
    const outcome = await runCheck(database(pglite));
    assert.equal(outcome.ok, false);
    assert.match(outcome.reason!, /closed/i);
  });

  test('Prisma — shape recognition only: $queryRawUnsafe("SELECT 1") on an object backed by a real pg connection', async (t) => {
    // The real @prisma/client needs a generated client and engines fetched from outside
    // npm, which this machine cannot reach; this proves only that a Prisma-shaped client is
    // recognized and its raw query used and awaited.
    if (!(await requireService(t, 'postgres', 5432))) return;
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    const seen: string[] = [];
    const prismaShaped = {
      $connect: async () => {},
      $queryRawUnsafe: async (sql: string) => {
        seen.push(sql);
        return (await client.query(sql)).rows;
      },
    };
    try {
      await assertPasses(prismaShaped, 'prisma-shaped');
      assert.deepEqual(seen, ['SELECT 1']);
      await client.end();
      assert.equal((await runCheck(database(prismaShaped))).ok, false, 'fails when its query fails');
    } finally {
      await client.end().catch(() => {});
    }
  });
});

describe('database() with ORMs and query builders on MariaDB and SQLite', () => {
  test('Knex, Kysely, Drizzle and Sequelize on MariaDB', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    const k = knex({ client: 'mysql2', connection: MYSQL_URL });
    const ky = new Kysely<unknown>({ dialect: new MysqlDialect({ pool: mysql2.createPool(MYSQL_URL) }) });
    const pool = mysql2p.createPool(MYSQL_URL);
    const dz = drizzleMysql(pool);
    const sequelize = new Sequelize(MYSQL_URL, { logging: false });
    try {
      await assertPasses(k, 'knex mysql');
      await assertPasses(ky, 'kysely mysql');
      await assertPasses(dz, 'drizzle mysql2');
      await assertPasses(sequelize, 'sequelize mysql');
    } finally {
      await Promise.all([k.destroy(), ky.destroy(), pool.end(), sequelize.close()]);
    }
  });

  test('Knex and Drizzle on better-sqlite3', async () => {
    const file = join(dir, 'orm.db');
    const k = knex({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
    const sqliteDb = new Database(file);
    try {
      await assertPasses(k, 'knex sqlite');
      await assertPasses(drizzleSqlite(sqliteDb), 'drizzle better-sqlite3');
    } finally {
      sqliteDb.close();
      await k.destroy();
    }
  });
});

describe('database() timeouts with the app’s ORM', () => {
  test('Knex, Kysely and Drizzle pointed at a blackhole fail at the timeout', async () => {
    const blackhole = await startBlackhole();
    const url = `postgres://postgres@127.0.0.1:${blackhole.port}/test`;
    const k = knex({ client: 'pg', connection: url, acquireConnectionTimeout: 2000 });
    const kyPool = new pg.Pool({ connectionString: url });
    kyPool.on('error', () => {});
    const ky = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: kyPool }) });
    const dzPool = new pg.Pool({ connectionString: url });
    dzPool.on('error', () => {});
    const dz = drizzlePg(dzPool);
    try {
      for (const [label, app] of [['knex', k], ['kysely', ky], ['drizzle', dz]] as const) {
        const outcome = await runCheck(database(app), TIMEOUT_MS);
        assert.equal(outcome.ok, false, label);
        assert.match(outcome.reason!, /timed out/, label);
        assert.ok(outcome.elapsedMs <= TIMEOUT_MS + SLACK_MS, `${label} took ${outcome.elapsedMs} ms`);
      }
    } finally {
      await blackhole.close();
      await Promise.allSettled([k.destroy(), ky.destroy(), dzPool.end()]);
    }
  });
});

describe('database() with raw drivers and URLs', () => {
  test('hands pg, mysql2 and better-sqlite3 clients to postgres(), mysql() and sqlite()', async (t) => {
    if (!(await requireService(t, 'postgres', 5432)) || !(await requireService(t, 'mariadb', 3306))) return;
    const pool = new pg.Pool({ connectionString: POSTGRES_URL });
    const mysqlPool = mysql2p.createPool(MYSQL_URL);
    const sqliteDb = new Database(join(dir, 'raw.db'));
    try {
      await assertPasses(pool, 'pg pool');
      await assertPasses(mysqlPool, 'mysql2 pool');
      await assertPasses(sqliteDb, 'better-sqlite3');
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
      await assertPasses(url, url);
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
