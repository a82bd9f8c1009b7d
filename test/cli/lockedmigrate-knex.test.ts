/**
 * `shipshape lockedmigrate` with a real migration tool: five replicas of `knex migrate:latest`
 * started together on PostgreSQL, with a migration outside a transaction (`CREATE INDEX
 * CONCURRENTLY`, which must wait for every older transaction: the reason lockedmigrate polls
 * a try-lock instead of blocking in pg_advisory_lock). Every replica exits 0 and every
 * migration runs once. The controls show what happens without it: knex's own lock table makes
 * racing replicas fail, and a waiter blocked in pg_advisory_lock() stalls CREATE INDEX
 * CONCURRENTLY.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { shipshape, type CliRun } from '../_helpers/cli.js';
import { ROOT } from '../_helpers/build.js';
import { eventually, uniqueLockId } from '../_helpers/locks.js';
import { POSTGRES_URL, requireService } from '../_helpers/services.js';

const KNEX_CLI = path.join(ROOT, 'node_modules/knex/bin/cli.js');
const REPLICAS = 5;

let runs = 0;
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/**
 * A knex project in a temp dir, with its own migrations table and tables (names unique to
 * this process and run): 001 creates a table, 002 builds an index CONCURRENTLY outside a
 * transaction, 003 adds a column. Each migration inserts a row into `<prefix>_runs` first,
 * so the counter shows every time one started, committed or not.
 */
async function knexProject(): Promise<{ knexfile: string; prefix: string; admin: pg.Client }> {
  runs += 1;
  const prefix = `lm_knex_${process.pid}_${runs}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'shipshape-lockedmigrate-knex-'));
  mkdirSync(path.join(dir, 'migrations'));
  const knexfile = path.join(dir, 'knexfile.cjs');
  writeFileSync(
    knexfile,
    `module.exports = { client: 'pg', connection: ${JSON.stringify(POSTGRES_URL)}, pool: { min: 0, max: 2 },
  migrations: { directory: ${JSON.stringify(path.join(dir, 'migrations'))}, tableName: '${prefix}_migrations', loadExtensions: ['.cjs'] } };\n`,
  );
  const ran = (name: string) => `await knex.raw("INSERT INTO ${prefix}_runs (migration, pid) VALUES ('${name}', pg_backend_pid())");`;
  writeFileSync(
    path.join(dir, 'migrations/001_items.cjs'),
    `exports.up = async (knex) => { ${ran('001')} await knex.schema.createTable('${prefix}_items', (t) => { t.increments('id'); t.string('name'); }); await knex.raw('SELECT pg_sleep(0.3)'); };
exports.down = async () => {};\n`,
  );
  writeFileSync(
    path.join(dir, 'migrations/002_index.cjs'),
    `exports.config = { transaction: false };
exports.up = async (knex) => { ${ran('002')} await knex.raw('CREATE INDEX CONCURRENTLY ${prefix}_items_name ON ${prefix}_items (name)'); await knex.raw('SELECT pg_sleep(0.3)'); };
exports.down = async () => {};\n`,
  );
  writeFileSync(
    path.join(dir, 'migrations/003_column.cjs'),
    `exports.up = async (knex) => { ${ran('003')} await knex.schema.alterTable('${prefix}_items', (t) => { t.string('note'); }); };
exports.down = async () => {};\n`,
  );
  const admin = new pg.Client({ connectionString: POSTGRES_URL, application_name: 'shipshape-test-knex-admin' });
  await admin.connect();
  await admin.query(`CREATE TABLE ${prefix}_runs (migration text NOT NULL, pid int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`);
  cleanups.push(async () => {
    for (const table of ['items', 'runs', 'migrations', 'migrations_lock']) await admin.query(`DROP TABLE IF EXISTS ${prefix}_${table}`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });
  return { knexfile, prefix, admin };
}

function knexLatest(knexfile: string, lockId?: bigint): Promise<CliRun> {
  const knex = [process.execPath, KNEX_CLI, '--knexfile', knexfile, 'migrate:latest'];
  // knex's CLI looks for its local install beside the knexfile, else at $KNEX_PATH
  const env = { KNEX_PATH: path.join(ROOT, 'node_modules/knex/knex.js') };
  return lockId === undefined ? runProcess(knex, env) : shipshape(['lockedmigrate', '-d', POSTGRES_URL, '--lock-id', String(lockId), '--', ...knex], { env, killAfterMs: 120_000 });
}

/** A plain child process, with the CliRun shape (the control runs knex without shipshape). */
async function runProcess([command, ...args]: string[], env: Record<string, string>): Promise<CliRun> {
  const { spawn } = await import('node:child_process');
  const started = performance.now();
  const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) =>
    child.on('close', (status, signal) => {
      clearTimeout(killer);
      resolve({ status, signal, stdout, stderr, elapsedMs: performance.now() - started });
    }),
  );
}

describe('shipshape lockedmigrate -- knex migrate:latest', () => {
  test(`${REPLICAS} replicas started together all exit 0, and every migration ran once`, async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const { knexfile, prefix, admin } = await knexProject();
    const lockId = uniqueLockId();
    const results = await Promise.all(Array.from({ length: REPLICAS }, () => knexLatest(knexfile, lockId)));
    for (const run of results) assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const applied = await admin.query<{ name: string }>(`SELECT name FROM ${prefix}_migrations ORDER BY id`);
    assert.deepEqual(applied.rows.map((row) => row.name), ['001_items.cjs', '002_index.cjs', '003_column.cjs']);
    const started = await admin.query<{ migration: string; n: string }>(`SELECT migration, count(*) AS n FROM ${prefix}_runs GROUP BY migration ORDER BY migration`);
    assert.deepEqual(started.rows.map((row) => [row.migration, Number(row.n)]), [['001', 1], ['002', 1], ['003', 1]]);
    const index = await admin.query<{ valid: boolean }>(`SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = '${prefix}_items_name'::regclass`);
    assert.deepEqual(index.rows, [{ valid: true }]);
    // the others waited while the index was built, and found nothing left to do
    assert.ok(results.filter((run) => /is held by/.test(run.stderr)).length >= 1);
    assert.equal(results.filter((run) => /Batch 1 run: 3 migrations/.test(run.stdout)).length, 1, results.map((run) => run.stdout).join('\n'));
    assert.equal(results.filter((run) => /Already up to date/.test(run.stdout)).length, REPLICAS - 1);
  });

  test(`control: without lockedmigrate, replicas started together race and some fail`, async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const { knexfile, prefix, admin } = await knexProject();
    const results = await Promise.all(Array.from({ length: REPLICAS }, () => knexLatest(knexfile)));
    const failed = results.filter((run) => run.status !== 0);
    const errors = new Set(failed.map((run) => /(Migration table is already locked|already exists|duplicate key[^\n]*)/.exec(run.stderr + run.stdout)?.[1] ?? 'other'));
    t.diagnostic(`${failed.length} of ${REPLICAS} replicas failed without the lock: ${[...errors].join('; ')}`);
    assert.ok(failed.length >= 1, `every replica passed: ${results.map((run) => run.stdout).join('\n')}`);
    assert.match(failed.map((run) => run.stderr + run.stdout).join('\n'), /Migration table is already locked|already exists|duplicate key/);
    // what got applied varies: sometimes one replica migrates while the others fail on knex's
    // lock, sometimes every replica fails while creating knex's own tables at once
    const applied = await admin.query(`SELECT name FROM ${prefix}_migrations`).catch(() => ({ rowCount: 0 }));
    t.diagnostic(`${applied.rowCount ?? 0} of 3 migrations applied`);
  });
});

test('control: a waiter blocked in pg_advisory_lock() stalls CREATE INDEX CONCURRENTLY until it gives up', async (t) => {
  if (!(await requireService(t, 'postgres', 5432))) return;
  const key = String(uniqueLockId());
  const table = `lm_cic_${process.pid}`;
  const connect = async (name: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, application_name: name });
    client.on('error', () => {});
    await client.connect();
    return client;
  };
  const [holder, migration, waiter, observer] = await Promise.all([connect('shipshape-test-cic-holder'), connect('shipshape-test-cic-migration'), connect('shipshape-test-cic-waiter'), connect('shipshape-test-cic-observer')]);
  t.after(async () => {
    await observer.query(`DROP TABLE IF EXISTS ${table}`);
    await Promise.all([holder, migration, waiter, observer].map((client) => client.end().catch(() => {})));
  });
  await observer.query(`CREATE TABLE ${table} (id int, name text)`);
  await holder.query('SELECT pg_advisory_lock($1::bigint)', [key]);
  const waiterPid = (await waiter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const blocked = waiter.query('SELECT pg_advisory_lock($1::bigint)', [key]).catch((error: Error) => error);
  await eventually('the waiter to block', async () => (await observer.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event = 'advisory'`, [waiterPid])).rowCount === 1);

  const migrationPid = (await migration.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  let indexed = false;
  const building = migration.query(`CREATE INDEX CONCURRENTLY ${table}_name ON ${table} (name)`).then(() => (indexed = true));
  // the index build waits for the waiter's transaction (its virtualxid), which waits for the lock
  const waitsOn = await eventually('CREATE INDEX CONCURRENTLY to wait for the waiter', async () => {
    const { rows } = await observer.query<{ blocker: number }>('SELECT unnest(pg_blocking_pids($1)) AS blocker', [migrationPid]);
    return rows.length > 0 ? rows.map((row) => row.blocker) : undefined;
  });
  assert.deepEqual(waitsOn, [waiterPid]);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(indexed, false, 'the index was built while the waiter blocked');
  // PostgreSQL sees no cycle (the holder's session idles): only ending the waiter frees it
  await observer.query('SELECT pg_cancel_backend($1)', [waiterPid]);
  assert.match(String(await blocked), /canceling statement/);
  await building;
  assert.equal(indexed, true);
  await holder.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
});
