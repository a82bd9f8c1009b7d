/**
 * The SQL of `lockedmigrate`'s session lock, per dialect: PostgreSQL advisory locks and
 * MySQL/MariaDB named locks (`GET_LOCK`), and how each tells the server to watch the session.
 * `session-lock.ts` runs them.
 */

/**
 * How the server notices a holder that vanished without closing its socket. The heartbeat
 * of the holder (`SessionLock.check`, every few seconds, each bounded by
 * `QUERY_TIMEOUT_MS`) must come well within these, so that a holder that lost its
 * connection stops its COMMAND before the server hands the lock to another replica.
 */
export const LIVENESS = {
  /**
   * PostgreSQL: server-side TCP keepalives of the lock session (the `tcp_keepalives_*`
   * settings, user-settable, per session): the first probe after 10 s of silence, then every
   * 5 s, the session ended after 4 unanswered ones: about 30 s. A client's own keepalives
   * (`keepAlive: true`) only tell the client that the server vanished; it is the server's that
   * free the lock of a client that did. Ignored on Unix sockets, where a peer cannot vanish.
   * https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-TCP-KEEPALIVES-IDLE
   */
  postgresKeepalive: { idleSeconds: 10, intervalSeconds: 5, count: 4 },
  /**
   * MySQL/MariaDB have no per-session TCP keepalive setting, so the lock session lowers its
   * `wait_timeout` instead: the server ends it after 30 s without a statement. The holder
   * sends one at least every heartbeat, the waiter every poll.
   * https://mariadb.com/kb/en/server-system-variables/#wait_timeout
   */
  mysqlWaitTimeoutSeconds: 30,
} as const;

/** A statement and its parameters. */
export type Statement = readonly [sql: string, params: readonly unknown[]];

/**
 * What differs between PostgreSQL and MySQL/MariaDB: the statements, and how a holder reads.
 * `pid` is the server session that `SessionLock.open` reached: the statements that take
 * or give back the lock act only there.
 */
export interface Statements {
  /** The lock's name in messages. */
  readonly name: string;
  /** Set the session's liveness; the last returns `pid`. */
  readonly setup: readonly string[];
  /** Returns `pid`. */
  readonly whoami: string;
  /** Returns `pid`, `before` (this session held it already) and `locked`. */
  tryLock(pid: number): Statement;
  /** Returns `pid` and `held`; carries `since` in a comment that a waiter reads. */
  check(since: string): Statement;
  /** Returns the holder's row, `pid` null when free. */
  readonly holder: Statement;
  /** Returns `pid` and `released`. */
  unlock(pid: number): Statement;
  describe(row: Record<string, unknown>): string;
}

export function postgresStatements(key: bigint): Statements {
  // pg_locks shows a bigint advisory key as its high half in classid, its low half in objid,
  // and objsubid 1; advisory locks belong to the database they were taken in.
  // https://www.postgresql.org/docs/current/view-pg-locks.html
  const match = (alias: string) =>
    `${alias}locktype = 'advisory' AND ${alias}granted AND ${alias}database = (SELECT oid FROM pg_database WHERE datname = current_database())` +
    ` AND ${alias}classid = (($1::bigint >> 32) & 4294967295)::oid AND ${alias}objid = ($1::bigint & 4294967295)::oid AND ${alias}objsubid = 1`;
  const mine = `EXISTS (SELECT 1 FROM pg_locks WHERE ${match('')} AND pid = pg_backend_pid())`;
  const { idleSeconds, intervalSeconds, count } = LIVENESS.postgresKeepalive;
  const id = String(key);
  return {
    name: id,
    setup: [
      `SELECT pg_backend_pid() AS pid, set_config('tcp_keepalives_idle', '${idleSeconds}', false),` +
        ` set_config('tcp_keepalives_interval', '${intervalSeconds}', false), set_config('tcp_keepalives_count', '${count}', false)`,
    ],
    whoami: 'SELECT pg_backend_pid() AS pid',
    tryLock: (pid) => [
      `SELECT pg_backend_pid() AS pid, ${mine} AS before,` +
        ` CASE WHEN pg_backend_pid() = $2 AND NOT ${mine} THEN pg_try_advisory_lock($1::bigint) ELSE false END AS locked`,
      [id, pid],
    ],
    // The comment stays visible in pg_stat_activity.query while the session idles, which is
    // how a waiter learns since when the lock is held: PostgreSQL keeps no such time itself.
    check: (since) => [`/* shipshape lockedmigrate: lock ${id} held since ${since} */ SELECT pg_backend_pid() AS pid, ${mine} AS held`, [id]],
    holder: [
      'SELECT l.pid, a.application_name, host(a.client_addr) AS client_addr, a.client_port, a.backend_start, a.query' +
        ` FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE ${match('l.')} LIMIT 1`,
      [id],
    ],
    unlock: (pid) => ['SELECT pg_backend_pid() AS pid, CASE WHEN pg_backend_pid() = $2 THEN pg_advisory_unlock($1::bigint) ELSE false END AS released', [id, pid]],
    describe(row) {
      const parts = [`pid ${String(row.pid)}`];
      if (typeof row.application_name === 'string' && row.application_name !== '') parts.push(`application ${JSON.stringify(row.application_name)}`);
      if (typeof row.client_addr === 'string') parts.push(`client ${row.client_addr}${row.client_port ? `:${String(row.client_port)}` : ''}`);
      else if (row.backend_start) parts.push('client on a local socket');
      const held = typeof row.query === 'string' ? /^\/\* shipshape lockedmigrate: lock \S+ held since (\S+) \*\//.exec(row.query)?.[1] : undefined;
      if (held) parts.push(`held since ${held}`);
      else if (row.backend_start instanceof Date) parts.push(`connected since ${iso(row.backend_start)}`);
      if (!row.backend_start) parts.push('details hidden (another role: grant pg_read_all_stats to see them)');
      return parts.join(', ');
    },
  };
}

export function mysqlStatements(name: string): Statements {
  const mine = 'COALESCE(IS_USED_LOCK(?) = CONNECTION_ID(), 0)';
  return {
    name,
    setup: [`SET SESSION wait_timeout = ${LIVENESS.mysqlWaitTimeoutSeconds}`, 'SELECT CONNECTION_ID() AS pid'],
    whoami: 'SELECT CONNECTION_ID() AS pid',
    // IF() evaluates only the branch it takes
    tryLock: (pid) => [`SELECT CONNECTION_ID() AS pid, ${mine} AS \`before\`, IF(CONNECTION_ID() = ? AND NOT ${mine}, GET_LOCK(?, 0), 0) AS locked`, [name, pid, name, name]],
    check: () => [`SELECT CONNECTION_ID() AS pid, ${mine} AS held`, [name]],
    // The process list shows other users' connections only with the PROCESS privilege.
    holder: [
      'SELECT h.id AS pid, p.USER AS user, p.HOST AS client, p.TIME AS seconds, p.COMMAND AS command' +
        ' FROM (SELECT IS_USED_LOCK(?) AS id) h LEFT JOIN information_schema.PROCESSLIST p ON p.ID = h.id',
      [name],
    ],
    unlock: (pid) => ['SELECT CONNECTION_ID() AS pid, IF(CONNECTION_ID() = ?, RELEASE_LOCK(?), 0) AS released', [pid, name]],
    describe(row) {
      const parts = [`connection ${String(row.pid)}`];
      if (typeof row.user === 'string') parts.push(`user ${row.user}`);
      if (typeof row.client === 'string') parts.push(`client ${row.client}`);
      if (row.user === undefined || row.user === null) parts.push('details hidden (grant PROCESS to see them)');
      return parts.join(', ');
    },
  };
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
