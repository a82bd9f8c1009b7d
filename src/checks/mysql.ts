/**
 * The `mysql` check: `SELECT 1` through the app's `mysql2` pool or connection (promise or
 * callback API), or a connection of its own built from a `mysql://`/`mariadb://` URL.
 */
import type { CheckSpec, CheckSpecOptions, Observation } from '../core/check.js';
import { abortable } from '../core/internal/abortable.js';
import { loadDriver } from '../core/internal/load-driver.js';
import { OwnedConnection } from './_sql-connection.js';
import { validateCheckOptions } from './_check-spec.js';
import { roundTrip, timed } from './_round-trip.js';
import { hasMethods, sqlCheckSpec, unrecognizedClient } from './_sql-check.js';
import { SQL_URL_SCHEMES, parseSqlUrl } from './_sql-url.js';

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
    const owned = new OwnedConnection(mysqlUrlDriver(client));
    return sqlCheckSpec('mysql', (signal) => owned.run(signal), options, () => owned.close());
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

/** The parts of `mysql2` (callback API) the URL form uses. */
interface Mysql2Module {
  createConnection(config: object): Mysql2OwnConnection;
}

interface Mysql2OwnConnection {
  query(sql: string, callback: (error: Error | null) => void): unknown;
  end(callback: (error?: Error | null) => void): unknown;
  destroy(): void;
  on(event: 'error' | 'end', listener: (error?: Error) => void): unknown;
  once(event: 'connect' | 'error', listener: (value?: unknown) => void): unknown;
}

function mysqlUrlDriver(url: string) {
  // mysql2 reads host, port, user, password and database from the URL and takes query
  // parameters as options; the scheme itself does not matter to it.
  const uri = url.replace(/^[a-z]+:/i, 'mysql:');
  return {
    load: async () => {
      const module = await loadDriver<{ default?: Mysql2Module } & Partial<Mysql2Module>>(
        SQL_URL_SCHEMES['mysql:']!.driver,
      );
      return (module.default ?? module) as Mysql2Module;
    },
    open(driver: Mysql2Module, lost: (connection: Mysql2OwnConnection) => void) {
      const connection = driver.createConnection({ uri });
      // A fatal error (server gone, KILL, reset) is emitted as 'error' when no query is
      // waiting for it: listen, or the app crashes. Either way the next run reconnects.
      connection.on('error', () => lost(connection));
      connection.on('end', () => lost(connection));
      const ready = new Promise<void>((resolve, reject) => {
        connection.once('connect', () => resolve());
        connection.once('error', (error) => reject(error));
      });
      return { connection, ready };
    },
    query: (connection: Mysql2OwnConnection) =>
      new Promise<void>((resolve, reject) =>
        connection.query('SELECT 1', (error) => (error ? reject(error) : resolve())),
      ),
    destroy: (connection: Mysql2OwnConnection) => connection.destroy(),
    end: (connection: Mysql2OwnConnection) => new Promise<void>((resolve) => connection.end(() => resolve())),
  };
}
