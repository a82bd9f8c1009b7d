/**
 * The SQL client for database URLs: `query(sql, params)` over pg, mysql2 and SQLite, on one
 * connection it owns (the shared {@link DriverConnection} lifecycle). The URL-built
 * `postgres()`, `mysql()` and `sqlite()` checks run their `SELECT 1` through it, and the
 * command line (`wait4db`, `ensureadmin`, `lockedmigrate`) its statements.
 *
 * One connection, not a pool: a check runs one query at a time (the runner shares an
 * in-flight run between concurrent probes), a command runs its statements in order, and a
 * session lock (`lockedmigrate`) must stay on the session that took it. The driver package
 * is imported on the first query, inside that query's signal; a missing one is a
 * `DriverMissingError` naming it, remembered rather than re-imported on every probe.
 */
import { DriverConnection } from '../driver-connection.js';
import type { ConnectionDriver } from '../owned-connection.js';
import { redact } from '../../redact.js';
import { SQL_URL_SCHEMES, schemeOf, type SqlDialectName } from './url.js';

/** Rows and the number of rows a statement returned or changed. */
export interface QueryResult<Row = Record<string, unknown>> {
  readonly rows: readonly Row[];
  /** Rows returned by a `SELECT`, or changed by an `INSERT`/`UPDATE`/`DELETE`. */
  readonly rowCount: number;
}

/** Options of {@link createSqlClient}. */
export interface SqlClientOptions {
  /** How the connection names itself: PostgreSQL `application_name`, MySQL's `program_name` attribute. An `application_name` in the URL wins. */
  readonly applicationName?: string;
  /** TCP keepalives, so a peer that vanished is noticed (PostgreSQL, MySQL; on by default in mysql2). */
  readonly keepAlive?: boolean;
  /** SQLite: open the file read-only. A missing file is never created, read-only or not. */
  readonly readOnly?: boolean;
  /** `false`: once the connection is lost, fail instead of reconnecting (a session lock died with it). @defaultValue true */
  readonly reopen?: boolean;
  /** With `reopen: false`: called at once when the connection that was up is lost (see `OwnedConnectionOptions.onLost`). */
  readonly onLost?: (error: Error) => void;
}

/** A client for one database URL. */
export interface SqlClient {
  readonly dialect: SqlDialectName;
  /** The URL with its credentials redacted, for messages. */
  readonly target: string;
  /**
   * Runs `sql` with `params` (`$1`… for PostgreSQL, `?` for MySQL and SQLite, always as
   * parameters, never spliced into the text). When `signal` aborts, the connection is
   * destroyed and the query rejects with its reason; the next query reconnects.
   */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[], signal?: AbortSignal): Promise<QueryResult<Row>>;
  /** Ends the connection (politely when it is up); later queries fail. Idempotent. */
  close(): Promise<void>;
}

/** How one SQL dialect loads its driver, opens a connection and runs a statement. */
export interface SqlDialect<M, C> {
  /** Imports the driver (throws `DriverMissingError` naming the package when it is missing). */
  load(): Promise<M>;
  connect(driver: M, url: string, options: SqlClientOptions): ConnectionDriver<C>;
  query(connection: C, sql: string, params: readonly unknown[]): Promise<QueryResult>;
}

/**
 * A client for a `postgres://`, `postgresql://`, `mysql://`, `mariadb://`, `sqlite:` or
 * `file:` URL (validate it first with `parseSqlUrl`). Opens nothing until the first query.
 */
export function createSqlClient(url: string, options: SqlClientOptions = {}): SqlClient {
  const dialect = SQL_URL_SCHEMES[schemeOf(url) ?? '']?.dialect;
  if (!dialect) throw new TypeError(`Expected a database URL (${Object.keys(SQL_URL_SCHEMES).join(' ')}), got ${redact(url)}`);
  return new UrlSqlClient(dialect, url, options);
}

/**
 * Imports the driver of `url`'s dialect now, as its first query would, so that a caller
 * with deadlines (each attempt of `wait4db`) pays for the import, or learns that the
 * package is missing, before the first of them.
 *
 * @throws DriverMissingError (`SHIPSHAPE_DRIVER_MISSING`) naming the package.
 */
export async function loadSqlDriver(url: string): Promise<void> {
  const dialect = SQL_URL_SCHEMES[schemeOf(url) ?? '']?.dialect;
  if (dialect) await (await DIALECTS[dialect]()).load();
}

// --- internal ---

/** Each dialect's code is imported with its driver, on the first query: most apps use one. */
const DIALECTS: Readonly<Record<SqlDialectName, () => Promise<SqlDialect<unknown, unknown>>>> = {
  postgres: async () => (await import('./pg.js')).pgDialect as SqlDialect<unknown, unknown>,
  mysql: async () => (await import('./mysql.js')).mysqlDialect as SqlDialect<unknown, unknown>,
  sqlite: async () => (await import('./sqlite.js')).sqliteDialect as SqlDialect<unknown, unknown>,
};

class UrlSqlClient implements SqlClient {
  readonly dialect: SqlDialectName;
  readonly target: string;
  readonly #connection: DriverConnection<{ implementation: SqlDialect<unknown, unknown>; driver: unknown }, unknown>;

  constructor(dialect: SqlDialectName, url: string, options: SqlClientOptions) {
    this.dialect = dialect;
    this.target = redact(url);
    const load = async () => {
      const implementation = await DIALECTS[dialect]();
      return { implementation, driver: await implementation.load() };
    };
    const { reopen = true, onLost } = options;
    this.#connection = new DriverConnection(load, ({ implementation, driver }) => implementation.connect(driver, url, options), { reopen, onLost });
  }

  query<Row>(sql: string, params: readonly unknown[] = [], signal: AbortSignal = new AbortController().signal): Promise<QueryResult<Row>> {
    return this.#connection.use(signal, (connection, { implementation }) => implementation.query(connection, sql, params)) as Promise<QueryResult<Row>>;
  }

  close(): Promise<void> {
    return this.#connection.close();
  }
}
