/**
 * The `sqlite` check: a query through the app's better-sqlite3 or `node:sqlite` database,
 * or through a read-only handle of its own on a database file.
 */
import type { CheckSpec, CheckSpecOptions, Observation } from '../core/check.js';
import { DriverMissingError, isShipshapeError } from '../core/errors.js';
import { abortable } from '../core/internal/abortable.js';
import { loadDriver } from '../core/internal/load-driver.js';
import { expectString } from '../core/options.js';
import { validateCheckOptions } from './_check-spec.js';
import { timed } from './_round-trip.js';
import { hasMethod, hasMethods, sqlCheckSpec, unrecognizedClient } from './_sql-check.js';
import { SQL_URL_SCHEMES, schemeOf, sqlitePathFromUrl } from './_sql-url.js';

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
    const path = scheme && SQL_URL_SCHEMES[scheme]?.dialect === 'sqlite' ? sqlitePathFromUrl(client) : client;
    const file = new SqliteFile(path);
    return sqlCheckSpec('sqlite', (signal) => file.run(signal), options, async () => file.close());
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

interface OwnDatabase extends SqliteDatabaseLike {
  close(): void;
}

type Opener = (path: string) => OwnDatabase;

interface BetterSqlite3Module {
  default: new (path: string, options: { readonly: boolean; fileMustExist: boolean }) => OwnDatabase;
}

interface NodeSqliteModule {
  DatabaseSync: new (path: string, options: { readOnly: boolean }) => OwnDatabase;
}

/** better-sqlite3 if installed, else `node:sqlite` where this Node has it. */
async function loadOpener(): Promise<Opener> {
  try {
    const { default: Database } = await loadDriver<BetterSqlite3Module>(SQL_URL_SCHEMES['sqlite:']!.driver);
    return (path) => new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    if (!(isShipshapeError(error) && error.code === 'SHIPSHAPE_DRIVER_MISSING')) throw error;
    const nodeSqlite = await import('node:sqlite' as string).catch(() => undefined) as NodeSqliteModule | undefined;
    if (!nodeSqlite) throw new DriverMissingError('better-sqlite3', { cause: error });
    // read-only: SQLite's SQLITE_OPEN_READONLY never creates a missing file.
    return (path) => new nodeSqlite.DatabaseSync(path, { readOnly: true });
  }
}

/** The check's own read-only handle on a database file. */
class SqliteFile {
  readonly #path: string;
  #db: OwnDatabase | undefined;
  #closed = false;

  constructor(path: string) {
    this.#path = path;
  }

  async run(signal: AbortSignal): Promise<Observation> {
    const open = await abortable(loadOpener(), signal);
    if (this.#closed) throw new Error('check is closed');
    try {
      this.#db ??= openFile(open, this.#path);
      const db = this.#db;
      return await timed(() => query(db));
    } catch (error) {
      this.#drop(); // reopen on the next run: the file may have been replaced or remounted
      throw error;
    }
  }

  close(): void {
    this.#closed = true;
    this.#drop();
  }

  #drop(): void {
    const db = this.#db;
    this.#db = undefined;
    try {
      db?.close();
    } catch {
      // already closed
    }
  }
}

function openFile(open: Opener, path: string): OwnDatabase {
  try {
    return open(path);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open ${path}: ${message}`, { cause: error });
  }
}
