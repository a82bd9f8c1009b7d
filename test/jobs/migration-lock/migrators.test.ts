/**
 * Migrate at boot, for real: five replicas start at once, each a child process that runs
 * Kysely's `Migrator` or drizzle's `migrate()` inside `withMigrationLock`, against real
 * PostgreSQL and MariaDB. Every replica starts (exit 0), the locked sections never overlap,
 * and each migration runs once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { TSX } from '../../_helpers/cli.js';
import { DATABASES, lines, uniqueLockId } from '../../_helpers/locks.js';
import { requireService } from '../../_helpers/services.js';

const BOOT = path.join(import.meta.dirname, '../../_helpers/migrate-at-boot.ts');
const REPLICAS = 5;

/** SQL on the test's own connection: the log table, the rows, and dropping everything after. */
async function admin(database: (typeof DATABASES)[number]): Promise<{ query(sql: string): Promise<Record<string, unknown>[]>; close(): Promise<void> }> {
  if (database.name === 'postgres') {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    return { query: async (sql) => (await client.query(sql)).rows, close: () => client.end() };
  }
  const connection = await mysql.createConnection(database.url);
  return { query: async (sql) => (await connection.query(sql))[0] as Record<string, unknown>[], close: () => connection.end() };
}

function boot(args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, BOOT, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('close', (status) => {
      clearTimeout(killer);
      resolve({ status, stderr });
    });
  });
}

for (const database of DATABASES) {
  describe(`migrate at boot on ${database.name}`, () => {
    for (const tool of ['kysely', 'drizzle'] as const) {
      test(`${REPLICAS} replicas running ${tool}'s migrations at once: all start, the locked sections never overlap, each migration runs once`, async (t) => {
        if (!(await requireService(t, database.name, database.port))) return;
        const prefix = `ss_boot_${tool}_${process.pid}_${Date.now() % 100_000}`;
        const dir = mkdtempSync(path.join(tmpdir(), 'shipshape-boot-'));
        const trace = path.join(dir, 'trace');
        const sql = await admin(database);
        const q = (name: string): string => (database.name === 'mariadb' ? `\`${name}\`` : `"${name}"`);
        const tables = [`${prefix}_log`, `${prefix}_items1`, `${prefix}_items2`, `${prefix}_kysely_migration`, `${prefix}_kysely_migration_lock`, `${prefix}_drizzle_migrations`];
        try {
          await sql.query(`CREATE TABLE ${q(`${prefix}_log`)} (migration varchar(10) NOT NULL)`);
          const lockId = String(uniqueLockId());
          const runs = await Promise.all(Array.from({ length: REPLICAS }, () => boot([tool, database.url, lockId, prefix, trace])));
          for (const run of runs) assert.equal(run.status, 0, run.stderr);
          const sections = lines(trace);
          assert.equal(sections.length, 2 * REPLICAS, sections.join('\n'));
          for (let i = 0; i < sections.length; i += 2) {
            const pid = sections[i]!.replace(/^start /, '');
            assert.deepEqual([sections[i], sections[i + 1]], [`start ${pid}`, `end ${pid}`], `a section that started ended before the next began:\n${sections.join('\n')}`);
          }
          const log = await sql.query(`SELECT migration FROM ${q(`${prefix}_log`)} ORDER BY migration`);
          assert.deepEqual(log.map((row) => String(row.migration)), ['1', '2'], 'each migration ran exactly once');
        } finally {
          for (const table of tables) await sql.query(`DROP TABLE IF EXISTS ${q(table)}`);
          await sql.close();
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
}
