/**
 * The `mysql` check: `SELECT 1` through the app's `mysql2` pool or connection (promise or
 * callback API), or a connection of its own built from a `mysql://`/`mariadb://` URL.
 */
import type { CheckSpec, CheckSpecOptions, Observation } from '../core/check.js';
import { abortable } from '../core/internal/abortable.js';
import { parseSqlUrl } from '../core/internal/sql/url.js';
import { validateCheckOptions } from './_check-spec.js';
import { roundTrip, timed } from './_round-trip.js';
import { sqlCheckSpec, sqlUrlCheck, unrecognizedClient } from './_sql-check.js';
import { hasMethods } from '../core/internal/shape.js';

/** Options of {@link mysql}. */
export interface MysqlOptions extends CheckSpecOptions {}

/** A `mysql2/promise` connection or pool connection (the parts the check uses). */
export interface Mysql2PromiseConnectionLike {
  query(sql: string): Promise<unknown>;
  escapeId(name: string): string;
  destroy(): void;
}

/** A `mysql2/promise` pool (the parts the check uses). */
export interface Mysql2PromisePoolLike {
  getConnection(): Promise<Mysql2PromiseConnectionLike & { release(): void }>;
  query(sql: string): Promise<unknown>;
  escapeId(name: string): string;
}

/** A `mysql2` callback-API pool or connection: the check uses its `promise()` wrapper. */
export interface Mysql2CallbackLike {
  promise(): Mysql2PromisePoolLike | Mysql2PromiseConnectionLike;
  escapeId(name: string): string;
}

/** What {@link mysql} accepts: a `mysql2` pool or connection, or a URL. */
export type MysqlClient = Mysql2PromisePoolLike | Mysql2PromiseConnectionLike | Mysql2CallbackLike | string;

// No DEFAULTS: every option of this check falls back to the probe-wide setting.

const SUPPORTED = 'a `mysql2` pool or connection (promise or callback API), or a mysql:// or mariadb:// URL';

/**
 * Checks MySQL or MariaDB with `SELECT 1`, resolving to the round trip in milliseconds.
 *
 * Given the app's pool, it takes one connection, bounded by the check's timeout (a full pool
 * fails the check instead of waiting forever); when the timeout strikes mid-query it
 * destroys that connection, which removes it from the pool. Given the app's single
 * connection, it only stops waiting at the timeout (the connection is the app's). Given a
 * URL (`mysql://` or `mariadb://`, both served by `mysql2`; query parameters are `mysql2`
 * options), it loads `mysql2` on its first run, keeps one connection, destroys it at the
 * timeout, reopens it after any failure (a restart or `KILL` never crashes the app), and
 * `close()` (called by `probes.close()`) ends it.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when `client` is not recognized,
 * the URL has another scheme, or an option is invalid. A run fails with
 * `DriverMissingError` (`SHIPSHAPE_DRIVER_MISSING`) when the URL form cannot load `mysql2`.
 *
 * @example
 * ```ts
 * import mysql2 from 'mysql2/promise';
 * import { createProbes, mysql } from 'shipshape';
 * const pool = mysql2.createPool('mysql://app@db:3306/app');
 * const probes = createProbes({ readiness: { db: mysql(pool) } });
 * ```
 */
export function mysql(client: MysqlClient, options?: MysqlOptions): CheckSpec {
  validateCheckOptions(options);
  if (typeof client === 'string') {
    parseSqlUrl('mysql', 'mysql', client);
    return sqlUrlCheck('mysql', client, 'SELECT 1', options);
  }
  // The callback API's promise() wrapper shares the app's pool or connection; it adds no
  // listener to it (mysql2 forwards events only once someone listens on the wrapper).
  const app = isMysql2Callback(client) ? client.promise() : client;
  if (isMysql2PromisePool(app)) return sqlCheckSpec('mysql', (signal) => queryPool(app, signal), options);
  if (isMysql2PromiseConnection(app)) {
    return sqlCheckSpec('mysql', (signal) => timed(() => abortable(app.query('SELECT 1'), signal)), options);
  }
  throw unrecognizedClient('mysql', SUPPORTED, client);
}

// --- internal ---

function isMysql2Callback(value: unknown): value is Mysql2CallbackLike {
  return hasMethods(value, 'promise', 'query', 'escapeId');
}

function isMysql2PromisePool(value: unknown): value is Mysql2PromisePoolLike {
  return hasMethods(value, 'getConnection', 'query', 'escapeId');
}

function isMysql2PromiseConnection(value: unknown): value is Mysql2PromiseConnectionLike {
  return hasMethods(value, 'query', 'escapeId', 'destroy');
}

async function queryPool(pool: Mysql2PromisePoolLike, signal: AbortSignal): Promise<Observation> {
  const started = performance.now();
  const checkout = pool.getConnection();
  // A connection that arrives after the timeout is handed straight back.
  const connection = await abortable(checkout, signal, () => checkout.then((late) => late.release(), () => {}));
  let done = false;
  // mysql2's PoolConnection.destroy() removes it from the pool: nothing else will reuse a
  // connection that went silent.
  const destroy = (): void => {
    done = true;
    connection.destroy();
  };
  try {
    await abortable(connection.query('SELECT 1'), signal, destroy);
    return roundTrip(started);
  } catch (error) {
    if (!done) destroy();
    throw error;
  } finally {
    if (!done) connection.release();
  }
}
