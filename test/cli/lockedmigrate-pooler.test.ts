/**
 * `shipshape lockedmigrate` behind a real PgBouncer: in transaction (and statement) mode a
 * session lock would belong to a server connection that other clients share and that
 * outlives this one, so it exits 2 asking for a direct connection, runs nothing, and leaves
 * no lock behind; in session mode a client keeps its server session, and it works.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import pg from 'pg';
import { shipshape } from '../_helpers/cli.js';
import { tempDirs } from '../_helpers/temp.js';
import { DATABASES, lines, lockAdmin, markerCommand, uniqueLockId } from '../_helpers/locks.js';
import { hasPgbouncer, startPgbouncer } from '../_helpers/pgbouncer.js';
import { requireService, servicesRequired } from '../_helpers/services.js';

const tempDir = tempDirs('shipshape-lockedmigrate-');

/** Like requireService, for the pgbouncer binary: skipped loudly locally, fatal in CI. */
function requirePgbouncer(t: TestContext): boolean {
  if (hasPgbouncer()) return true;
  const message = 'pgbouncer is not installed (apt-get install pgbouncer)';
  if (servicesRequired) throw new Error(`${message} (required in CI)`);
  console.warn(`\n!!! SKIPPED: ${message}\n`);
  t.skip(message);
  return false;
}

/** Makes PgBouncer open `count` server connections (that many transactions at once), left idle in its pool. */
async function openServerConnections(url: string, count: number): Promise<void> {
  const clients = Array.from({ length: count }, () => new pg.Client({ connectionString: url }));
  await Promise.all(clients.map((client) => client.connect()));
  await Promise.all(clients.map((client) => client.query('BEGIN')));
  await Promise.all(clients.map((client) => client.query('SELECT 1')));
  await Promise.all(clients.map((client) => client.query('COMMIT')));
  await Promise.all(clients.map((client) => client.end()));
}

describe('shipshape lockedmigrate behind PgBouncer', () => {
  const SAME = /two connections reached the same server session/;
  const MOVED = /its statements reach different server sessions/;
  const sharing: [string, 'transaction' | 'statement', string[], RegExp][] = [
    // LIFO (PgBouncer's default): the check's second connection gets the server session the first just used
    ['transaction mode', 'transaction', [], SAME],
    ['statement mode', 'statement', [], SAME],
    // FIFO: the second connection lands on another server session, and then the lock
    // session's own statements move between the two
    ['transaction mode with server_round_robin and two idle server connections', 'transaction', ['server_round_robin = 1'], MOVED],
  ];
  for (const [what, mode, settings, evidence] of sharing) {
    test(`in ${what}: exit 2 asking for a direct connection, COMMAND not run, no lock left held`, async (t) => {
      if (!(await requireService(t, 'postgres', 5432)) || !requirePgbouncer(t)) return;
      const pgbouncer = await startPgbouncer(mode, settings);
      if (settings.length > 0) await openServerConnections(pgbouncer.url, 2);
      t.after(() => pgbouncer.close());
      const admin = await lockAdmin(DATABASES[0]);
      t.after(() => admin.close());
      const dir = tempDir();
      const lockId = uniqueLockId();
      const run = await shipshape(['lockedmigrate', '-d', pgbouncer.url, '--lock-id', String(lockId), '--', ...markerCommand(path.join(dir, 'marker'), 'x', 0)]);
      assert.equal(run.status, 2, `${run.stderr}\n${pgbouncer.log()}`);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.match(run.stderr, new RegExp(`^shipshape lockedmigrate: postgres://\\*\\*\\*@127\\.0\\.0\\.1:${pgbouncer.port}/test goes through a pooler that shares server sessions \\(PgBouncer in transaction or statement mode\\?\\): .* Point lockedmigrate at the database directly \\(or at a session-mode pool\\)$`, 'm'));
      assert.match(run.stderr, evidence);
      assert.deepEqual(lines(path.join(dir, 'marker')), []);
      assert.equal(await admin.holder(lockId), undefined, 'a lock is left on a pooled server connection');
    });
  }

  test('in session mode: each client keeps its server session, so the lock works as on a direct connection', async (t) => {
    if (!(await requireService(t, 'postgres', 5432)) || !requirePgbouncer(t)) return;
    const pgbouncer = await startPgbouncer('session');
    t.after(() => pgbouncer.close());
    const dir = tempDir();
    const file = path.join(dir, 'markers');
    const lockId = String(uniqueLockId());
    const runs = await Promise.all([1, 2, 3].map((n) => shipshape(['lockedmigrate', '-d', pgbouncer.url, '--lock-id', lockId, '--', ...markerCommand(file, String(n), 200)])));
    for (const run of runs) assert.equal(run.status, 0, `${run.stderr}\n${pgbouncer.log()}`);
    const markers = lines(file);
    assert.equal(markers.length, 6);
    for (let i = 0; i < markers.length; i += 2) assert.equal(markers[i + 1], markers[i]!.replace('start', 'end'), markers.join('\n'));
  });
});
