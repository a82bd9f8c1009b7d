/**
 * For the `lockedmigrate` tests: the two databases it runs on, lock ids no other test process
 * uses, an independent look at who holds a lock (admin SQL, not the code under test), and
 * small COMMANDs written as `node -e` scripts that leave traces in files.
 */
import { existsSync, readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { MYSQL_URL, POSTGRES_URL } from './services.js';

export interface LockDatabase {
  readonly name: 'postgres' | 'mariadb';
  readonly url: string;
  readonly port: number;
  /** The backend pid / connection id holding `lockId` (as `lockedmigrate` names it), or undefined. */
  holder(lockId: bigint): Promise<number | undefined>;
  /** Ends that session the way a failover or an operator would (`pg_terminate_backend`, `KILL`). */
  kill(sessionId: number): Promise<void>;
  close(): Promise<void>;
}

export const DATABASES = [
  { name: 'postgres', url: POSTGRES_URL, port: 5432 },
  { name: 'mariadb', url: MYSQL_URL, port: 3306 },
] as const;

let next = 0;

/** A lock id of this test process alone (other engineers' suites run at the same time). */
export function uniqueLockId(): bigint {
  next += 1;
  return 7_000_000_000_000n + BigInt(process.pid) * 1000n + BigInt(next);
}

/** An admin connection to `database` for looking at and killing lock sessions. */
export async function lockAdmin(database: (typeof DATABASES)[number]): Promise<LockDatabase> {
  if (database.name === 'postgres') {
    const client = new pg.Client({ connectionString: database.url, application_name: 'shipshape-test-lock-admin' });
    client.on('error', () => {});
    await client.connect();
    return {
      ...database,
      async holder(lockId) {
        const { rows } = await client.query<{ pid: number }>(
          `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
             AND classid = (($1::bigint >> 32) & 4294967295)::oid AND objid = ($1::bigint & 4294967295)::oid AND objsubid = 1`,
          [String(lockId)],
        );
        return rows[0]?.pid;
      },
      async kill(pid) {
        await client.query('SELECT pg_terminate_backend($1)', [pid]);
      },
      close: () => client.end(),
    };
  }
  const connection = await mysql.createConnection(database.url);
  connection.on('error', () => {});
  const database_ = new URL(database.url).pathname.slice(1);
  return {
    ...database,
    async holder(lockId) {
      const [rows] = await connection.query('SELECT IS_USED_LOCK(?) AS id', [`shipshape:${database_}:${lockId}`]);
      const id = (rows as { id: number | null }[])[0]?.id;
      return id === null || id === undefined ? undefined : Number(id);
    },
    async kill(id) {
      await connection.query(`KILL ${Number(id)}`);
    },
    close: () => connection.end(),
  };
}

/** `node -e SCRIPT` as a COMMAND line. */
export function nodeCommand(script: string): string[] {
  return [process.execPath, '-e', script];
}

/**
 * A COMMAND that appends `start ID` to `file`, waits `ms`, appends `end ID`: runs that
 * overlap interleave their lines.
 */
export function markerCommand(file: string, id: string, ms: number): string[] {
  return nodeCommand(
    `const fs = require('node:fs'); fs.appendFileSync(${JSON.stringify(file)}, 'start ${id}\\n');` +
      ` setTimeout(() => fs.appendFileSync(${JSON.stringify(file)}, 'end ${id}\\n'), ${ms});`,
  );
}

/**
 * A COMMAND that writes its pid to `file` as soon as it runs, records each of SIGTERM,
 * SIGINT and SIGHUP it gets as a line of `file`, exits `exitCode` on the first of them unless
 * `ignoreSignals`, and otherwise runs until killed.
 */
export function holdingCommand(file: string, options: { exitCode?: number; ignoreSignals?: boolean } = {}): string[] {
  const { exitCode = 0, ignoreSignals = false } = options;
  return nodeCommand(
    `const fs = require('node:fs'); const f = ${JSON.stringify(file)}; fs.writeFileSync(f, 'pid ' + process.pid + '\\n');` +
      ` for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, () => { fs.appendFileSync(f, 'got ' + s + '\\n');` +
      `${ignoreSignals ? '' : ` process.exit(${exitCode});`} });` +
      ' setInterval(() => {}, 1000);',
  );
}

/** The lines of a file, or [] when it does not exist (yet). */
export function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** The pid that {@link holdingCommand} wrote, once it has. */
export function commandPid(file: string): number | undefined {
  const match = /^pid (\d+)/.exec(lines(file)[0] ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Polls `probe` every 25 ms until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Kills `pid` if it still runs (a COMMAND orphaned by a test that SIGKILLed its lockedmigrate). */
export function killQuietly(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
