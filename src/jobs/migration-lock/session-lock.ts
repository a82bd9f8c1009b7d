/**
 * The database lock of `withMigrationLock` and `lockedmigrate`: a session-level lock
 * (PostgreSQL advisory lock, MySQL/MariaDB `GET_LOCK`) on a connection of its own, taken
 * by polling a try-lock, checked by a heartbeat, and tied to the life of the process that
 * holds it.
 *
 * Why a session lock on its own connection: it is released by the server the moment the
 * session ends (the holder exits, is killed, or its connection breaks), so a crashed
 * migration never leaves the lock behind, and it is independent of the transactions of the
 * migration tool, which runs on connections of its own (another process, or the app's pool).
 *
 * Why a lock that dies with its session must be watched: a pod that vanishes (its node
 * lost, its network cut) never closes its socket, and by default a server notices that only
 * after hours (the kernel's two-hour keepalive idle time, MySQL's `wait_timeout` of 8 h).
 * So the lock session asks the server to check on it sooner (`LIVENESS`). The SQL of each
 * dialect is in `lock-statements.ts`.
 */
import { ConfigError, InvalidOptionError, LockLostError } from '../../core/errors.js';
import { within } from '../../core/internal/deadline.js';
import { createSqlClient, type SqlClient } from '../../core/internal/sql/client.js';
import { parseSqlUrl, schemeOf, schemesFor, SQL_URL_SCHEMES } from '../../core/internal/sql/url.js';
import { mysqlStatements, postgresStatements, type Statement, type Statements } from './lock-statements.js';

/** Each statement of the lock session is bounded by this (a silent network fails it). */
export const QUERY_TIMEOUT_MS = 10_000;

/** How long the second connection of the pooler check may take before it is given up. */
const POOLER_CHECK_TIMEOUT_MS = 5_000;

/** How often a release is sent until it reaches the session that holds the lock (behind a pooler). */
const RELEASE_ATTEMPTS = 5;

/** Who holds the lock, as far as the server shows it. */
export interface LockHolder {
  /** The backend pid (PostgreSQL) or connection id (MySQL/MariaDB). */
  readonly pid: number;
  /** `pid 4242, application "…", client 10.1.2.3:51234, held since …`. */
  readonly description: string;
}

/**
 * The connection goes through a pooler that shares server sessions between clients
 * (PgBouncer in transaction or statement mode): a session lock taken through it belongs to
 * a server session that other clients use too, and outlives this one. Exit 2: it is a
 * configuration to change, not a failure to retry.
 */
export class SharedSessionError extends ConfigError {}

/** Options of {@link createSessionLock}. */
export interface SessionLockOptions {
  /** `application_name` (PostgreSQL) or `program_name` (MySQL) of the lock connection. */
  readonly applicationName: string;
  /** Who takes the lock, as messages name it (`lockedmigrate`, `withMigrationLock`). */
  readonly subject: string;
  /** Called at once when the lock connection is lost after it was up. */
  readonly onLost?: (error: Error) => void;
}

/**
 * A session lock on `url` (PostgreSQL or MySQL/MariaDB) with the 64-bit `lockId`.
 *
 * @throws InvalidOptionError for a URL that is not PostgreSQL or MySQL/MariaDB (SQLite has no
 *   lock that two pods could share) or does not parse. The URL is never echoed.
 */
export function createSessionLock(url: string, lockId: bigint, options: SessionLockOptions): SessionLock {
  const scheme = schemeOf(url);
  const dialect = scheme === undefined ? undefined : SQL_URL_SCHEMES[scheme]?.dialect;
  const accepted = 'postgres://, postgresql://, mysql:// or mariadb://';
  if (dialect === 'sqlite') {
    throw new InvalidOptionError(`an SQLite database has no lock that replicas could share: ${options.subject} needs a ${accepted} URL`);
  }
  if (dialect === undefined) throw new InvalidOptionError(`expected a ${accepted} database URL, got ${scheme ? `a \`${scheme}//\` URL` : 'a string that is not a URL'}`);
  try {
    parseSqlUrl(options.subject, dialect, url, dialect === 'mysql');
  } catch {
    throw new InvalidOptionError(`the database URL does not parse as a ${schemesFor(dialect)} URL`);
  }
  const statements = dialect === 'postgres' ? postgresStatements(lockId) : mysqlStatements(mysqlLockName(url, lockId));
  return new SessionLock(url, statements, options);
}

/**
 * The MySQL/MariaDB lock name of `lockId`: `shipshape:<database>:<id>`. `GET_LOCK` names are
 * server-wide while PostgreSQL advisory locks belong to one database, so the database name
 * keeps two apps that share a server from waiting on each other. A name above MySQL's 64
 * characters has its database part replaced by a hash of it.
 */
export function mysqlLockName(url: string, lockId: bigint): string {
  let database = '';
  try {
    database = decodeURIComponent(new URL(url).pathname.slice(1));
  } catch {
    // parseSqlUrl has already refused a URL that does not parse
  }
  const name = database === '' ? `shipshape:${lockId}` : `shipshape:${database}:${lockId}`;
  if (name.length <= 64) return name;
  const { createHash } = process.getBuiltinModule('node:crypto');
  return `shipshape:${createHash('sha256').update(database).digest('hex').slice(0, 16)}:${lockId}`;
}

/** A session lock on a connection of its own. One instance takes the lock at most once. */
export class SessionLock {
  /** `lock 1000` (PostgreSQL) or `lock shipshape:app:1000` (MySQL/MariaDB), for messages. */
  readonly label: string;
  /** The database URL, redacted. */
  readonly target: string;
  readonly #url: string;
  readonly #statements: Statements;
  readonly #options: SessionLockOptions;
  readonly #client: SqlClient;
  /** The server session (backend pid, connection id) every statement must reach. */
  #pid: number | undefined;
  #since: string | undefined;

  constructor(url: string, statements: Statements, options: SessionLockOptions) {
    this.#url = url;
    this.#statements = statements;
    this.#options = options;
    this.label = `lock ${statements.name}`;
    this.#client = createSqlClient(url, {
      applicationName: options.applicationName,
      keepAlive: true,
      // A session lock lives and dies with its connection: a reconnect would silently hold
      // nothing. Once lost, every later statement fails, and onLost says so at once.
      reopen: false,
      onLost: (error) => options.onLost?.(error),
    });
    this.target = this.#client.target;
  }

  /**
   * Connects, sets the server-side liveness of the session (`LIVENESS`), and checks
   * that a second connection does not reach the same server session (it would behind a
   * transaction-mode pooler that has one idle server connection: PgBouncer hands the most
   * recently used one out first).
   *
   * @throws SharedSessionError when it does.
   */
  async open(signal: AbortSignal): Promise<void> {
    let row: { pid: unknown } | undefined;
    for (const statement of this.#statements.setup) [row] = await this.#ask<{ pid: unknown }>(this.#client, [statement, []], signal);
    this.#pid = Number(row?.pid);
    const other = createSqlClient(this.#url, { applicationName: `${this.#options.applicationName.slice(0, 55)} (check)` });
    try {
      const settled = await within((bound) => other.query<{ pid: unknown }>(this.#statements.whoami, [], AbortSignal.any([bound, signal])), POOLER_CHECK_TIMEOUT_MS);
      // A second connection that cannot be opened (max_connections reached) proves nothing
      // either way; the pid checks of every later statement still stand.
      if (settled.outcome === 'done' && Number(settled.value.rows[0]?.pid) === this.#pid) throw this.#shared('two connections reached the same server session');
    } finally {
      await other.close();
    }
    signal.throwIfAborted();
  }

  /**
   * Tries once to take the lock, without waiting inside the database. The statement takes it
   * only on the server session that {@link open} reached, and only when that session did not
   * hold it already (a pooled server session holding another client's lock), so a pooler
   * that moved this connection elsewhere never leaves a lock behind.
   *
   * @throws SharedSessionError when the statement reached another server session, or one
   *   that held the lock already.
   */
  async tryAcquire(signal: AbortSignal): Promise<boolean> {
    const [row] = await this.#ask<{ pid: unknown; before: unknown; locked: unknown }>(this.#client, this.#statements.tryLock(this.#pid ?? 0), signal);
    this.#samePid(row?.pid);
    if (truthy(row?.before)) throw this.#shared('the server session already held the lock before this connection asked for it');
    if (!truthy(row?.locked)) return false;
    this.#since = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    try {
      await this.check(signal);
    } catch (error) {
      if (error instanceof SharedSessionError) await this.release(signal).catch(() => {});
      throw error;
    }
    return true;
  }

  /**
   * Confirms that this session still holds the lock (the heartbeat): its statement reaches
   * the same server session, and the server lists the lock as granted to it.
   *
   * @throws LockLostError when it does not, or the statement fails; SharedSessionError when
   *   the statement reached another server session.
   */
  async check(signal: AbortSignal): Promise<void> {
    let row: { pid: unknown; held: unknown } | undefined;
    try {
      [row] = await this.#ask<{ pid: unknown; held: unknown }>(this.#client, this.#statements.check(this.#since ?? '?'), signal);
    } catch (error) {
      throw new LockLostError(reasonOf(error), { cause: error });
    }
    this.#samePid(row?.pid);
    if (!truthy(row?.held)) throw new LockLostError('the server no longer lists the lock as held by this session');
  }

  /** Who holds the lock now, or `undefined` when nobody does (or the server hides it). */
  async holder(signal: AbortSignal): Promise<LockHolder | undefined> {
    const [row] = await this.#ask<Record<string, unknown>>(this.#client, this.#statements.holder, signal);
    if (!row || row.pid === null || row.pid === undefined) return undefined;
    return { pid: Number(row.pid), description: this.#statements.describe(row) };
  }

  /**
   * Releases the lock (the session stays open until {@link close}); resolves to whether it
   * was held. On a direct connection that is one statement. Behind a pooler that moves the
   * connection between server sessions, the statement releases only on the session that
   * took the lock, and is sent again (a few times) until it reaches it.
   */
  async release(signal: AbortSignal): Promise<boolean> {
    for (let attempt = 0; attempt < RELEASE_ATTEMPTS; attempt += 1) {
      const [row] = await this.#ask<{ pid: unknown; released: unknown }>(this.#client, this.#statements.unlock(this.#pid ?? 0), signal);
      if (Number(row?.pid) === this.#pid) return truthy(row?.released);
    }
    return false;
  }

  /** Ends the session: whatever it still holds is released by the server. Idempotent. */
  close(): Promise<void> {
    return this.#client.close();
  }

  // --- internal ---

  async #ask<Row>(client: SqlClient, [sql, params]: Statement, signal: AbortSignal): Promise<Row[]> {
    const settled = await within(
      (bound) => client.query<Row>(sql, params, AbortSignal.any([bound, signal])),
      QUERY_TIMEOUT_MS,
      new Error(`no answer from the database within ${QUERY_TIMEOUT_MS / 1000} s`),
    );
    if (settled.outcome === 'done') return [...settled.value.rows];
    if (signal.aborted) throw signal.reason;
    throw settled.outcome === 'failed' ? settled.error : new Error(`no answer from the database within ${QUERY_TIMEOUT_MS / 1000} s`);
  }

  #samePid(pid: unknown): void {
    if (this.#pid !== undefined && Number(pid) !== this.#pid) throw this.#shared('its statements reach different server sessions');
  }

  #shared(evidence: string): SharedSessionError {
    return new SharedSessionError(
      `${this.target} goes through a pooler that shares server sessions (PgBouncer in transaction or statement mode?): ${evidence}, so a session lock would not stay with this connection. Point ${this.#options.subject} at the database directly (or at a session-mode pool)`,
    );
  }
}

// --- helpers ---

export function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 1n;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
