/**
 * database(orm): the app's ORM or query builder, on each server it runs on. The plain
 * cases are one table (ORMS: how to open the app's client and end it); the ORMs with a
 * lifecycle of their own (TypeORM's initialize(), MikroORM's lazy connect, PGlite's close())
 * have their own tests. Raw drivers, URLs and building are in database.test.ts.
 */
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
import { loadDriver } from '../../src/core/internal/load-driver.js';
import { assertPassesOnce, assertTimedOut, runCheck } from '../_helpers/run-check.js';
import { MYSQL_URL, POSTGRES_URL, requireService } from '../_helpers/services.js';
import { refusedPort, startBlackhole } from '../_helpers/sockets.js';

const TIMEOUT_MS = 300;
const quiet = { warnWhenNoEntities: false };

let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shipshape-database-'));
  await Promise.all(['pg', 'mysql2', 'kysely', 'better-sqlite3'].map((name) => loadDriver(name)));
});
after(() => rmSync(dir, { recursive: true, force: true }));

type Server = 'postgres' | 'mariadb' | 'sqlite';
const PORTS = { postgres: 5432, mariadb: 3306 } as const;

/** An app's client and how the app ends it. */
interface Opened {
  readonly client: object;
  close(): Promise<unknown> | unknown;
}

/** The plain cases: the check passes through the client's own raw query (5 s: an ORM's first connect is slow). */
const ORMS: readonly { readonly name: string; readonly server: Server; readonly open: () => Opened }[] = [
  { name: 'Knex: knex.raw("select 1")', server: 'postgres', open: () => destroyable(knex({ client: 'pg', connection: POSTGRES_URL })) },
  {
    name: 'Kysely: executeQuery(CompiledQuery.raw("select 1")) with the app’s kysely',
    server: 'postgres',
    open: () => destroyable(new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: POSTGRES_URL }) }) })),
  },
  {
    name: 'Drizzle (node-postgres): db.execute("select 1")',
    server: 'postgres',
    open: () => {
      const db = drizzlePg(POSTGRES_URL);
      return { client: db, close: () => db.$client.end() };
    },
  },
  {
    name: 'Sequelize: sequelize.query("SELECT 1")',
    server: 'postgres',
    open: () => {
      const sequelize = new Sequelize(POSTGRES_URL, { logging: false });
      return { client: sequelize, close: () => sequelize.close() };
    },
  },
  { name: 'Knex', server: 'mariadb', open: () => destroyable(knex({ client: 'mysql2', connection: MYSQL_URL })) },
  { name: 'Kysely', server: 'mariadb', open: () => destroyable(new Kysely<unknown>({ dialect: new MysqlDialect({ pool: mysql2.createPool(MYSQL_URL) }) })) },
  {
    name: 'Drizzle (mysql2)',
    server: 'mariadb',
    open: () => {
      const pool = mysql2p.createPool(MYSQL_URL);
      return { client: drizzleMysql(pool), close: () => pool.end() };
    },
  },
  {
    name: 'Sequelize',
    server: 'mariadb',
    open: () => {
      const sequelize = new Sequelize(MYSQL_URL, { logging: false });
      return { client: sequelize, close: () => sequelize.close() };
    },
  },
  {
    name: 'Knex',
    server: 'sqlite',
    open: () => destroyable(knex({ client: 'better-sqlite3', connection: { filename: join(dir, 'orm.db') }, useNullAsDefault: true })),
  },
  {
    name: 'Drizzle (better-sqlite3)',
    server: 'sqlite',
    open: () => {
      const db = new Database(join(dir, 'orm.db'));
      return { client: drizzleSqlite(db), close: () => db.close() };
    },
  },
];

function destroyable(client: { destroy(): Promise<unknown> }): Opened {
  return { client, close: () => client.destroy() };
}

for (const server of ['postgres', 'mariadb', 'sqlite'] as const) {
  describe(`database() with ORMs and query builders on ${server}`, () => {
    for (const orm of ORMS.filter((entry) => entry.server === server)) {
      test(orm.name, async (t) => {
        if (server !== 'sqlite' && !(await requireService(t, server, PORTS[server]))) return;
        const { client, close } = orm.open();
        try {
          await assertPassesOnce(database(client), `${orm.name} on ${server}`, 5000);
        } finally {
          await close();
        }
      });
    }
  });
}

describe('database() with ORMs that have a lifecycle of their own', () => {
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

  test('MikroORM 7: a raw select 1 through em.getConnection(), even before the app’s first query', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const orm = await MikroORM.init({ clientUrl: POSTGRES_URL, entities: [], discovery: quiet });
    try {
      assert.equal(await orm.isConnected(), false, 'MikroORM 7 connects lazily');
      await assertPassesOnce(database(orm), 'mikro-orm', 5000);
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
    await assertPassesOnce(database(pglite), 'pglite', 5000);
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
      await assertPassesOnce(database(prismaShaped), 'prisma-shaped', 5000);
      assert.deepEqual(seen, ['SELECT 1']);
      await client.end();
      assert.equal((await runCheck(database(prismaShaped))).ok, false, 'fails when its query fails');
    } finally {
      await client.end().catch(() => {});
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
        assertTimedOut(outcome, TIMEOUT_MS, label);
      }
    } finally {
      await blackhole.close();
      await Promise.allSettled([k.destroy(), ky.destroy(), dzPool.end()]);
    }
  });
});
