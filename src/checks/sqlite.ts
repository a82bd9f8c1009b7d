/**
 * The `sqlite` check: a query through the app's better-sqlite3 or `node:sqlite` database,
 * or through a read-only handle of its own on a database file.
 */
import type { CheckSpec, CheckSpecOptions } from '../core/check.js';
import { SQL_URL_SCHEMES, schemeOf } from '../core/internal/sql/url.js';
import { expectString } from '../core/options.js';
import { validateCheckOptions } from './_check-spec.js';
import { timed } from './_round-trip.js';
import { sqlCheckSpec, sqlUrlCheck, unrecognizedClient } from './_sql-check.js';
import { hasMethod, hasMethods } from '../core/internal/shape.js';

/** Options of {@link sqlite}. */
export interface SqliteOptions extends CheckSpecOptions {}

/**
 * A synchronous SQLite database: better-sqlite3's `Database`, `node:sqlite`'s
 * `DatabaseSync` (Node 22.5+), or anything with the same `prepare(sql).get()`.
 */
export interface SqliteDatabaseLike {
  prepare(sql: string): { get(): unknown };
}

/** What {@link sqlite} accepts: a database object, a file path, or a `file:`/`sqlite:` URL. */
export type SqliteClient = SqliteDatabaseLike | string;

// No DEFAULTS: every option of this check falls back to the probe-wide setting.

const SUPPORTED = 'a better-sqlite3 or node:sqlite database, or a file path';

/**
 * Checks SQLite by reading the database's schema (`SELECT 1 FROM sqlite_master LIMIT 1`;
 * unlike a bare `SELECT 1`, which SQLite answers without touching the file, this fails on
 * a file that is unreadable or not a database), resolving to the time it took in ms.
 *
 * Given a path (or a `file:`/`sqlite:` URL), the check opens the file itself on its first
 * run, read-only and only if it exists (better-sqlite3 with
 * `{ readonly: true, fileMustExist: true }`, or `node:sqlite` where better-sqlite3 is not
 * installed), so a pod whose volume is not mounted stays unready instead of creating an
 * empty database; a failure reopens the file on the next run, and `close()` (called by
 * `probes.close()`) closes it. SQLite calls are synchronous: the check cannot be cut off by
 * its timeout, but it runs in microseconds.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when `client` is not recognized or
 * an option is invalid. A run fails with `DriverMissingError` (`SHIPSHAPE_DRIVER_MISSING`)
 * when a path is given and neither better-sqlite3 nor `node:sqlite` is available.
 *
 * @example
 * ```ts
 * import { createProbes, sqlite } from 'shipshape';
 * const probes = createProbes({ readiness: { db: sqlite('/var/lib/app/app.db') } });
 * ```
 */
export function sqlite(client: SqliteClient, options?: SqliteOptions): CheckSpec {
  validateCheckOptions(options);
  if (typeof client === 'string') {
    expectString('sqlite() path', client);
    const scheme = schemeOf(client);
    const url = scheme && SQL_URL_SCHEMES[scheme]?.dialect === 'sqlite' ? client : process.getBuiltinModule('node:url').pathToFileURL(client).href;
    return sqlUrlCheck('sqlite', url, QUERY, options, { readOnly: true });
  }
  if (isSqliteDatabase(client)) return sqlCheckSpec('sqlite', async () => timed(() => query(client)), options);
  throw unrecognizedClient('sqlite', SUPPORTED, client);
}

// --- internal ---

const QUERY = 'SELECT 1 FROM sqlite_master LIMIT 1';

function query(db: SqliteDatabaseLike): unknown {
  return db.prepare(QUERY).get();
}

function isSqliteDatabase(value: unknown): value is SqliteDatabaseLike {
  // better-sqlite3 has pragma(); node:sqlite (and bun:sqlite) have exec() and close().
  return hasMethod(value, 'prepare') && (hasMethod(value, 'pragma') || hasMethods(value, 'exec', 'close'));
}
