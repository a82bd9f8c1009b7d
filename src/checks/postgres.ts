/**
 * The `postgres` check: `SELECT 1` through the app's `pg` Pool or Client, its postgres.js
 * `sql`, or a connection of its own built from a URL.
 */
import type { CheckSpec, CheckSpecOptions } from '../core/check.js';
import { abortable } from '../core/internal/abortable.js';
import { parseSqlUrl } from '../core/internal/sql/url.js';
import { expectString } from '../core/options.js';
import { validateCheckOptions } from './_check-spec.js';
import { roundTrip, timed } from './_round-trip.js';
import { sqlCheckSpec, sqlUrlCheck, unrecognizedClient } from './_sql-check.js';
import { hasMethods } from '../core/internal/shape.js';

/** Options of {@link postgres}. */
export interface PostgresOptions extends CheckSpecOptions {
  /**
   * `application_name` of the check's own connection (URL form only), so that it can be
   * told apart in `pg_stat_activity`. An `application_name` in the URL wins.
   * @defaultValue `DEFAULTS.applicationName`
   */
  readonly applicationName?: string;
}

/** What {@link postgres} accepts: a `pg` Pool or Client, a postgres.js `sql`, or a URL. */
export type PostgresClient = PgPoolLike | PgClientLike | PostgresJsLike | string;

/** The parts of a `pg` PoolClient the check uses. */
export interface PgPoolClientLike {
  query(text: string): Promise<unknown>;
  release(error?: Error | boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

/** The parts of a `pg` Pool the check uses (also `@neondatabase/serverless` Pool). */
export interface PgPoolLike {
  connect(): Promise<PgPoolClientLike>;
  query(text: string): Promise<unknown>;
  readonly totalCount: number;
}

/** The parts of a `pg` Client the check uses. */
export interface PgClientLike {
  query(text: string): Promise<unknown>;
  connect(): Promise<unknown>;
  escapeLiteral(text: string): string;
}

/** A postgres.js `sql` tag function. */
export interface PostgresJsLike {
  (...args: never[]): unknown;
  unsafe(text: string): PromiseLike<unknown> & { cancel(): unknown };
  begin(...args: never[]): unknown;
}

const DEFAULTS = { applicationName: 'shipshape' } as const;

const SUPPORTED = 'a `pg` Pool or Client, a postgres.js `sql`, or a postgres:// URL';

/**
 * Checks PostgreSQL with `SELECT 1`, resolving to the round trip in milliseconds.
 *
 * Given the app's client, it borrows it: from a `pg` Pool it takes one connection, bounded
 * by the check's timeout (a full pool fails the check instead of waiting forever), and when
 * the timeout strikes mid-query it releases that connection with an error so the pool
 * discards it. It adds no listener to the app's pool: attach your own
 * `pool.on('error', …)`, or a PostgreSQL restart kills idle pool clients and crashes the
 * app (this is `pg`'s rule, not shipshape's). Given a URL (`postgres://`, `postgresql://`,
 * Unix sockets as `postgres:///db?host=/var/run/postgresql`), it loads `pg` on its first run,
 * keeps one connection named `application_name=shipshape`, destroys it at the timeout,
 * reopens it after any failure (a restart or failover never crashes the app), and
 * `close()` (called by `probes.close()`) ends it.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when `client` is not recognized,
 * the URL has another scheme, or an option is invalid. A run fails with
 * `DriverMissingError` (`SHIPSHAPE_DRIVER_MISSING`) when the URL form cannot load `pg`.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createProbes, postgres } from 'shipshape';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * pool.on('error', (error) => console.error('idle client error', error.message));
 * const probes = createProbes({ readiness: { db: postgres(pool) } });
 * ```
 */
export function postgres(client: PostgresClient, options?: PostgresOptions): CheckSpec {
  validateCheckOptions(options, ['applicationName']);
  if (options?.applicationName !== undefined) expectString('applicationName', options.applicationName);
  const applicationName = options?.applicationName ?? DEFAULTS.applicationName;
  if (typeof client === 'string') {
    parseSqlUrl('postgres', 'postgres', client, false);
    return sqlUrlCheck('postgres', client, 'SELECT 1', options, { applicationName });
  }
  if (isPgPool(client)) return sqlCheckSpec('postgres', (signal) => queryPool(client, signal), options);
  if (isPostgresJs(client)) return sqlCheckSpec('postgres', (signal) => queryPostgresJs(client, signal), options);
  if (isPgClient(client)) {
    // The app's own Client: it cannot be destroyed on abort (it is the app's), so the
    // check only stops waiting for it.
    return sqlCheckSpec('postgres', (signal) => timed(() => abortable(client.query('SELECT 1'), signal)), options);
  }
  throw unrecognizedClient('postgres', SUPPORTED, client);
}

// --- internal ---

function isPgPool(value: unknown): value is PgPoolLike {
  return hasMethods(value, 'connect', 'query') && typeof (value as PgPoolLike).totalCount === 'number';
}

function isPgClient(value: unknown): value is PgClientLike {
  return hasMethods(value, 'connect', 'query', 'escapeLiteral') && !hasMethods(value, 'escapeId');
}

function isPostgresJs(value: unknown): value is PostgresJsLike {
  return typeof value === 'function' && hasMethods(value, 'unsafe', 'begin');
}

async function queryPool(pool: PgPoolLike, signal: AbortSignal): Promise<ReturnType<typeof roundTrip>> {
  const started = performance.now();
  const checkout = pool.connect();
  // A slot that frees up after the timeout is handed straight back.
  const client = await abortable(checkout, signal, () => checkout.then((late) => late.release(), () => {}));
  let released = false;
  const release = (error?: Error | boolean): void => {
    if (released) return;
    released = true;
    client.release(error);
  };
  // pg removes the pool's idle listener while a client is checked out: without ours, a
  // backend killed mid-query would emit an unhandled 'error' and crash the app.
  const ignore = (): void => {};
  client.on('error', ignore);
  try {
    await abortable(client.query('SELECT 1'), signal, () => release(true));
    release();
    return roundTrip(started);
  } catch (error) {
    // Released with an error, the pool closes this connection instead of reusing it.
    release(error instanceof Error ? error : true);
    throw error;
  } finally {
    client.removeListener('error', ignore);
  }
}

function queryPostgresJs(sql: PostgresJsLike, signal: AbortSignal): Promise<ReturnType<typeof roundTrip>> {
  return timed(() => {
    const query = sql.unsafe('SELECT 1');
    return abortable(query, signal, () => query.cancel());
  });
}
