/**
 * Admin connections for the SQL check tests: a second connection that looks at the
 * server's side (who is connected) and kills a check's connection the way a restart or a
 * failover would (`pg_terminate_backend`, MariaDB `KILL`).
 */
import pg from 'pg';
import mysql from 'mysql2/promise';
import { MYSQL_URL, POSTGRES_URL } from './services.js';

/**
 * What both admins do, for the dialect matrix: find the connections tagged `tag` (a
 * PostgreSQL `application_name`, a MySQL user), kill them, wait until they are gone.
 */
export interface SqlAdmin {
  /** The server's ids of the connections tagged `tag` (pids, MySQL connection ids). */
  ids(tag: string): Promise<number[]>;
  /** Kills every connection tagged `tag`; resolves to how many. */
  kill(tag: string): Promise<number>;
  /** Waits until no connection is tagged `tag`, or rejects after `timeoutMs`. */
  waitForNone(tag: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL: connections are tagged by their `application_name`. */
export interface PgAdmin extends SqlAdmin {
  /** Backend pids whose `application_name` is `name` (= `ids`). */
  pids(name: string): Promise<number[]>;
  /** Terminates every backend named `name`; resolves to how many (= `kill`). */
  terminate(name: string): Promise<number>;
}

/** Resolves once `list()` is empty, or rejects with `what` after `timeoutMs`. */
async function waitForEmpty(list: () => Promise<unknown[]>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await list()).length > 0) {
    if (Date.now() > deadline) throw new Error(`${what} still connected after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function pgAdmin(): Promise<PgAdmin> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, application_name: 'shipshape-test-admin' });
  client.on('error', () => {});
  await client.connect();
  const pids = async (name: string): Promise<number[]> => {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    return rows.map((row) => row.pid);
  };
  const terminate = async (name: string): Promise<number> => {
    const { rows } = await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [name]);
    return rows.length;
  };
  return {
    pids,
    ids: pids,
    terminate,
    kill: terminate,
    waitForNone: (name, timeoutMs = 2000) => waitForEmpty(() => pids(name), `backends named ${name}`, timeoutMs),
    close: () => client.end(),
  };
}

/** MySQL: connections are tagged by their user. */
export interface MysqlAdmin extends SqlAdmin {
  /** Runs a statement as root. */
  query(sql: string, values?: unknown[]): Promise<unknown>;
  /** Kills every connection of `user`; resolves to how many (= `kill`). */
  killAll(user: string): Promise<number>;
  /** Creates {@link MYSQL_CHECK_USER} if needed, kills its connections; resolves to its URL. */
  ensureCheckUser(): Promise<string>;
  close(): Promise<void>;
}

/** The MySQL user whose connections are a check's (grants: SELECT on `test`). */
export const MYSQL_CHECK_USER = { user: 'shipshape_sqlchk', password: 'right-pw-123' } as const;

export async function mysqlAdmin(): Promise<MysqlAdmin> {
  const connection = await mysql.createConnection(MYSQL_URL);
  connection.on('error', () => {});
  const ids = async (user: string): Promise<number[]> => {
    const [rows] = await connection.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ?', [user]);
    return (rows as { id: number }[]).map((row) => Number(row.id));
  };
  const killAll = async (user: string): Promise<number> => {
    const found = await ids(user);
    for (const id of found) await connection.query(`KILL ${Number(id)}`).catch(() => {});
    return found.length;
  };
  return {
    query: async (sql, values) => (await connection.query(sql, values))[0],
    ids,
    killAll,
    kill: killAll,
    waitForNone: (user, timeoutMs = 2000) => waitForEmpty(() => ids(user), `connections of ${user}`, timeoutMs),
    async ensureCheckUser() {
      // A user of the tests' own: its connections are a check's, so tests can find and KILL them.
      const { user, password } = MYSQL_CHECK_USER;
      for (const host of ['%', '127.0.0.1']) {
        await connection.query(`CREATE USER IF NOT EXISTS '${user}'@'${host}' IDENTIFIED BY '${password}'`);
        await connection.query(`GRANT SELECT ON test.* TO '${user}'@'${host}'`);
      }
      await killAll(user); // left over from an earlier test
      const url = new URL(MYSQL_URL);
      url.username = user;
      url.password = password;
      return url.href;
    },
    close: () => connection.end(),
  };
}
