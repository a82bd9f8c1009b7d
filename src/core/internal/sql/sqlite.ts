/**
 * SQLite for the SQL client: better-sqlite3 when installed, else `node:sqlite` where this
 * Node has it (22.5+); on Bun and Deno `node:sqlite` first. SQLite calls are synchronous: a
 * query cannot be cut off by a signal, but it runs in microseconds.
 */
import { DriverMissingError, isShipshapeError } from '../../errors.js';
import { loadDriver } from '../load-driver.js';
import type { QueryResult, SqlDialect } from './client.js';
import { sqlitePathFromUrl } from './url.js';

/** A synchronous SQLite database as both drivers give it. */
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  close(): void;
}

interface SqliteStatement {
  /** better-sqlite3: whether the statement returns rows (`run()` otherwise). */
  readonly reader?: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number | bigint };
}

type Opener = (path: string, readOnly: boolean) => SqliteDatabase;

interface BetterSqlite3Module {
  default: new (path: string, options: { readonly: boolean; fileMustExist: boolean }) => SqliteDatabase;
}

interface NodeSqliteModule {
  DatabaseSync: new (path: string, options: { readOnly: boolean }) => SqliteDatabase;
}

export const sqliteDialect: SqlDialect<Opener, SqliteDatabase> = {
  load: loadOpener,
  connect(open, url, options) {
    const path = sqlitePathFromUrl(url);
    return {
      open() {
        return { connection: openFile(open, path, options.readOnly === true), ready: Promise.resolve() };
      },
      destroy: (db) => db.close(),
    };
  },
  async query(db, sql, params): Promise<QueryResult> {
    const statement = db.prepare(sql);
    if (statement.reader === false) return { rows: [], rowCount: Number(statement.run(...params).changes) };
    const rows = statement.all(...params) as Record<string, unknown>[];
    return { rows, rowCount: rows.length };
  },
};

// --- internal ---

let opener: Promise<Opener> | undefined;

/** better-sqlite3 if installed, else `node:sqlite` (first on Bun and Deno); decided once. */
function loadOpener(): Promise<Opener> {
  opener ??= findOpener();
  return opener;
}

async function findOpener(): Promise<Opener> {
  // Bun and Deno import better-sqlite3 but cannot open a database with it (a Node native
  // addon: Bun refuses it, oven-sh/bun#4290; Deno cannot load addons of its legacy API),
  // and both have node:sqlite
  if (process.versions.bun !== undefined || process.versions.deno !== undefined) {
    const builtIn = await nodeSqliteOpener();
    if (builtIn) return builtIn;
  }
  try {
    const { default: Database } = await loadDriver<BetterSqlite3Module>('better-sqlite3');
    return (path, readOnly) => new Database(path, { readonly: readOnly, fileMustExist: true });
  } catch (error) {
    if (!(isShipshapeError(error) && error.code === 'SHIPSHAPE_DRIVER_MISSING')) throw error;
    const builtIn = await nodeSqliteOpener();
    if (!builtIn) throw new DriverMissingError('better-sqlite3', { cause: error });
    return builtIn;
  }
}

/** `node:sqlite` where this runtime has it (Node 22.5+, Bun, Deno), else `undefined`. */
async function nodeSqliteOpener(): Promise<Opener | undefined> {
  const nodeSqlite = (await import('node:sqlite' as string).catch(() => undefined)) as NodeSqliteModule | undefined;
  if (!nodeSqlite) return undefined;
  return (path, readOnly) => {
    // node:sqlite has no fileMustExist: a missing file must stay missing (read-only
    // opening never creates one; SQLITE_OPEN_READONLY)
    if (!readOnly && path !== ':memory:' && !process.getBuiltinModule('node:fs').existsSync(path)) throw new Error('unable to open database file (it does not exist)');
    return new nodeSqlite.DatabaseSync(path, { readOnly });
  };
}

function openFile(open: Opener, path: string, readOnly: boolean): SqliteDatabase {
  try {
    return open(path, readOnly);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open ${path}: ${message}`, { cause: error });
  }
}
