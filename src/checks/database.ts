/**
 * The `database` check: `SELECT 1` through an ORM or query builder's own raw-query API, or
 * any client or URL the `postgres`, `mysql` and `sqlite` checks accept.
 */
import type { CheckSpec, CheckSpecOptions } from '../core/check.js';
import { InvalidOptionError } from '../core/errors.js';
import { abortable } from '../core/internal/abortable.js';
import { loadDriver } from '../core/internal/load-driver.js';
import { validateCheckOptions } from './_check-spec.js';
import { timed } from './_round-trip.js';
import { isUnrecognizedClient, sqlCheckSpec, unrecognizedClient } from './_sql-check.js';
import { hasMethod, hasMethods } from '../core/internal/shape.js';
import { SQL_URL_SCHEMES, schemeOf } from '../core/internal/sql/url.js';
import { mysql } from './mysql.js';
import { postgres } from './postgres.js';
import { sqlite } from './sqlite.js';

/** Options of {@link database}. */
export interface DatabaseOptions extends CheckSpecOptions {}

/**
 * What {@link database} accepts: a Prisma, Knex, Kysely, Drizzle, TypeORM `DataSource`,
 * Sequelize, MikroORM or PGlite client, anything {@link postgres}, {@link mysql} or
 * {@link sqlite} accept, or a database URL. Clients are recognized by shape.
 */
export type DatabaseClient = object | string;

// No DEFAULTS: every option of this check falls back to the probe-wide setting.

const SUPPORTED =
  'a Prisma, Knex, Kysely, Drizzle, TypeORM DataSource, Sequelize, MikroORM or PGlite client, ' +
  'a pg, postgres.js, mysql2, better-sqlite3 or node:sqlite client, or a database URL';

/**
 * Checks a database through the client the app already has, with that client's own raw
 * query (`SELECT 1`), resolving to the round trip in milliseconds.
 *
 * The ORM's pool, retries and reconnects stay the ORM's: the check adds no listener and
 * owns nothing, and at the timeout it stops waiting (the ORM's own acquire timeout frees
 * the connection later). A TypeORM `DataSource` that is not initialized, or a closed
 * PGlite, fails the check, so readiness waits for the app's own startup. A raw driver
 * client or a URL is handed to {@link postgres}, {@link mysql} or {@link sqlite} (a URL by
 * its scheme, a string without one as an SQLite file path).
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when `client` is not recognized
 * (the message lists the supported clients) or an option is invalid.
 *
 * @example
 * ```ts
 * import { PrismaClient } from '@prisma/client';
 * import { createProbes, database } from 'shipshape';
 * const prisma = new PrismaClient();
 * const probes = createProbes({ readiness: { db: database(prisma) } });
 * ```
 */
export function database(client: DatabaseClient, options?: DatabaseOptions): CheckSpec {
  validateCheckOptions(options);
  if (typeof client === 'string') return fromUrl(client, options);
  for (const orm of ORMS) {
    if (orm.recognize(client)) {
      const query = orm.query;
      return sqlCheckSpec('database', (signal) => timed(() => abortable(query(client as never), signal)), options);
    }
  }
  for (const check of [postgres, mysql, sqlite] as ((c: unknown, o?: DatabaseOptions) => CheckSpec)[]) {
    try {
      return check(client, options);
    } catch (error) {
      if (!isUnrecognizedClient(error)) throw error;
    }
  }
  throw unrecognizedClient('database', SUPPORTED, client);
}

// --- internal ---

interface Orm {
  readonly name: string;
  recognize(value: object): boolean;
  query(client: never): Promise<unknown>;
}

interface MikroOrmLike {
  em?: { getConnection?(): { execute?(sql: string): Promise<unknown> } };
  checkConnection?(): Promise<{ ok: boolean; reason?: string }>;
  isConnected(): Promise<boolean>;
}

const ORMS: readonly Orm[] = [
  {
    name: 'Prisma',
    recognize: (v) => hasMethod(v, '$queryRawUnsafe') || hasMethods(v, '$runCommandRaw', '$connect'),
    query: async (prisma: { $queryRawUnsafe?(sql: string): Promise<unknown>; $runCommandRaw?(cmd: object): Promise<unknown> }) =>
      // Prisma on MongoDB has no SQL: ping is its SELECT 1.
      prisma.$queryRawUnsafe ? prisma.$queryRawUnsafe('SELECT 1') : prisma.$runCommandRaw!({ ping: 1 }),
  },
  {
    name: 'MikroORM',
    recognize: (v) => hasMethods(v, 'isConnected', 'close') && 'em' in v,
    query: async (orm: MikroOrmLike) => {
      // MikroORM 7 connects lazily: checkConnection() says "not established" until the
      // first query, which would keep a fresh pod unready. A raw query connects.
      const connection = orm.em?.getConnection?.();
      if (connection && typeof connection.execute === 'function') return connection.execute('select 1');
      const result = orm.checkConnection ? await orm.checkConnection() : { ok: await orm.isConnected() };
      if (!result.ok) throw new Error(result.reason ?? 'MikroORM is not connected');
    },
  },
  {
    name: 'TypeORM',
    recognize: (v) => hasMethods(v, 'query', 'initialize') && 'isInitialized' in v,
    query: async (source: { isInitialized: boolean; query(sql: string): Promise<unknown> }) => {
      if (!source.isInitialized) throw new Error('TypeORM DataSource is not initialized');
      return source.query('SELECT 1');
    },
  },
  {
    name: 'Sequelize',
    recognize: (v) => hasMethods(v, 'query', 'authenticate', 'getDialect'),
    query: async (sequelize: { query(sql: string): Promise<unknown> }) => sequelize.query('SELECT 1'),
  },
  {
    name: 'Knex',
    recognize: (v) => typeof v === 'function' && hasMethods(v, 'raw', 'destroy') && 'client' in v,
    query: async (knex: { raw(sql: string): PromiseLike<unknown> }) => knex.raw('select 1'),
  },
  {
    name: 'Kysely',
    recognize: (v) => hasMethods(v, 'executeQuery', 'selectFrom'),
    query: async (db: { executeQuery(query: unknown): Promise<unknown> }) => {
      // CompiledQuery comes from the app's own kysely: its plugins key state by query id.
      const { CompiledQuery } = await loadDriver<{ CompiledQuery: { raw(sql: string): unknown } }>('kysely');
      return db.executeQuery(CompiledQuery.raw('select 1'));
    },
  },
  {
    name: 'Drizzle',
    recognize: (v) => hasMethods(v, 'select', 'transaction') && (hasMethod(v, 'execute') || hasMethod(v, 'all')) && 'dialect' in v,
    // pg and mysql drivers have execute(); SQLite drivers have all() (synchronous for
    // better-sqlite3). Both accept a raw string since drizzle-orm 0.30.
    query: async (db: { execute?(sql: string): unknown; all?(sql: string): unknown }) =>
      db.execute ? db.execute('select 1') : db.all!('select 1'),
  },
  {
    name: 'PGlite',
    recognize: (v) => hasMethods(v, 'query', 'exec') && 'waitReady' in v,
    query: async (pglite: { query(sql: string): Promise<unknown> }) => pglite.query('select 1'),
  },
];

function fromUrl(url: string, options: DatabaseOptions | undefined): CheckSpec {
  const scheme = schemeOf(url);
  if (!scheme) return sqlite(url, options);
  switch (SQL_URL_SCHEMES[scheme]?.dialect) {
    case 'postgres':
      return postgres(url, options);
    case 'mysql':
      return mysql(url, options);
    case 'sqlite':
      return sqlite(url, options);
    default: {
      const accepted = Object.keys(SQL_URL_SCHEMES).map((name) => `${name}//`).join(', ');
      throw new InvalidOptionError(`Expected \`database()\` to get a client or a URL (${accepted}), got a \`${scheme}//\` URL`);
    }
  }
}
