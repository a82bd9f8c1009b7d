/**
 * A replica booting: runs its migrations at start inside `withMigrationLock`, with a real
 * migration tool, the way an app does. Started several times at once by
 * test/jobs/migration-lock/migrators.test.ts:
 *
 *   node --import tsx migrate-at-boot.ts <kysely|drizzle> <database URL> <lock id> <prefix> <trace file>
 *
 * Each migration creates a table and appends a row to `<prefix>_log` (made by the test), so
 * a migration that ran twice shows as two rows; the trace file gets `start <pid>` and
 * `end <pid>` around the locked section, so two sections that overlapped interleave.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withMigrationLock } from '../../src/jobs/index.js';

const [tool, url, lockId, prefix, trace] = process.argv.slice(2) as [string, string, string, string, string];
const mysql = url.startsWith('mysql:');

/** The SQL of the two migrations: a table each, and a row in the log for each run. */
function migrationSql(step: number): string[] {
  const quote = (name: string): string => (mysql ? `\`${name}\`` : `"${name}"`);
  return [`CREATE TABLE ${quote(`${prefix}_items${step}`)} (id integer)`, `INSERT INTO ${quote(`${prefix}_log`)} (migration) VALUES ('${step}')`];
}

async function kysely(): Promise<void> {
  const { Kysely, Migrator, MysqlDialect, PostgresDialect, sql } = await import('kysely');
  const dialect = mysql ? new MysqlDialect({ pool: (await import('mysql2')).createPool(url) }) : new PostgresDialect({ pool: new (await import('pg')).default.Pool({ connectionString: url }) });
  const db = new Kysely<unknown>({ dialect });
  const step = (n: number) => ({
    async up(migrating: typeof db): Promise<void> {
      for (const statement of migrationSql(n)) await sql.raw(statement).execute(migrating);
      // long enough that a second replica without the lock would run into this one
      await new Promise((resolve) => setTimeout(resolve, 150));
    },
  });
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ '001_items': step(1), '002_more': step(2) }) },
    migrationTableName: `${prefix}_kysely_migration`,
    migrationLockTableName: `${prefix}_kysely_migration_lock`,
  });
  try {
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
  } finally {
    await db.destroy();
  }
}

async function drizzle(): Promise<void> {
  // drizzle's migrator reads a folder as drizzle-kit writes it: meta/_journal.json and one .sql a migration
  const folder = path.join(path.dirname(trace), `drizzle-${process.pid}`);
  mkdirSync(path.join(folder, 'meta'), { recursive: true });
  const entries = [1, 2].map((n) => ({ idx: n - 1, version: '7', when: 1_700_000_000_000 + n, tag: `000${n}_step`, breakpoints: true }));
  writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify({ version: '7', dialect: mysql ? 'mysql' : 'postgresql', entries }));
  for (const entry of entries) writeFileSync(path.join(folder, `${entry.tag}.sql`), migrationSql(entry.idx + 1).join(';\n--> statement-breakpoint\n'));
  const migrationsTable = `${prefix}_drizzle_migrations`;
  if (mysql) {
    const { createPool } = await import('mysql2');
    const pool = createPool(url);
    const { drizzle: connect } = await import('drizzle-orm/mysql2');
    const { migrate } = await import('drizzle-orm/mysql2/migrator');
    try {
      await migrate(connect(pool), { migrationsFolder: folder, migrationsTable });
    } finally {
      await new Promise((resolve) => pool.end(resolve));
    }
  } else {
    const pool = new (await import('pg')).default.Pool({ connectionString: url });
    const { drizzle: connect } = await import('drizzle-orm/node-postgres');
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    try {
      await migrate(connect(pool), { migrationsFolder: folder, migrationsTable, migrationsSchema: 'public' });
    } finally {
      await pool.end();
    }
  }
}

await withMigrationLock(
  url,
  async () => {
    appendFileSync(trace, `start ${process.pid}\n`);
    await (tool === 'kysely' ? kysely() : drizzle());
    appendFileSync(trace, `end ${process.pid}\n`);
  },
  { lockId: BigInt(lockId), timeoutMs: 120_000 },
);
