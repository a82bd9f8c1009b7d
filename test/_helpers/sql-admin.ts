/**
 * Admin connections for the SQL check tests: a second connection that looks at the
 * server's side (who is connected) and kills a check's connection the way a restart or a
 * failover would (`pg_terminate_backend`, MariaDB `KILL`).
 */
import pg from 'pg';
import mysql from 'mysql2/promise';
import { MYSQL_URL, POSTGRES_URL } from './services.js';

export interface PgAdmin {
  /** Backend pids whose `application_name` is `name`. */
  pids(name: string): Promise<number[]>;
  /** Terminates every backend named `name`; resolves to how many. */
  terminate(name: string): Promise<number>;
  /** Waits until no backend is named `name`, or rejects after `timeoutMs`. */
  waitForNone(name: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
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
  return {
    pids,
    async terminate(name) {
      const { rows } = await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [name]);
      return rows.length;
    },
    async waitForNone(name, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      while ((await pids(name)).length > 0) {
        if (Date.now() > deadline) throw new Error(`backends named ${name} still connected`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => client.end(),
  };
}

export interface MysqlAdmin {
  /** Runs a statement as root. */
  query(sql: string, values?: unknown[]): Promise<unknown>;
  /** Connection ids (what `KILL` takes) of `user`. */
  ids(user: string): Promise<number[]>;
  /** Kills every connection of `user`; resolves to how many. */
  killAll(user: string): Promise<number>;
  /** Waits until `user` has no connection, or rejects after `timeoutMs`. */
  waitForNone(user: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function mysqlAdmin(): Promise<MysqlAdmin> {
  const connection = await mysql.createConnection(MYSQL_URL);
  connection.on('error', () => {});
  const ids = async (user: string): Promise<number[]> => {
    const [rows] = await connection.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ?', [user]);
    return (rows as { id: number }[]).map((row) => Number(row.id));
  };
  return {
    query: async (sql, values) => (await connection.query(sql, values))[0],
    ids,
    async killAll(user) {
      const found = await ids(user);
      for (const id of found) await connection.query(`KILL ${Number(id)}`).catch(() => {});
      return found.length;
    },
    async waitForNone(user, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      while ((await ids(user)).length > 0) {
        if (Date.now() > deadline) throw new Error(`connections of ${user} still open`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => connection.end(),
  };
}
