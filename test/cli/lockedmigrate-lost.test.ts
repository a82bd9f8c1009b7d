/**
 * `shipshape lockedmigrate` when its lock goes while COMMAND runs, and how the server learns
 * that a holder vanished: the session killed by the server (`pg_terminate_backend`, `KILL`)
 * or a network gone silent stops COMMAND and exits 1; the lock session carries short
 * server-side keepalives (PostgreSQL) or a short `wait_timeout` (MariaDB).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { describe, test } from 'node:test';
import pg from 'pg';
import { startShipshape } from '../_helpers/cli.js';
import { tempDirs } from '../_helpers/temp.js';
import { commandPid, DATABASES, eventually, holdingCommand, killQuietly, lines, lockAdmin, markerCommand, uniqueLockId } from '../_helpers/locks.js';
import { MYSQL_URL, POSTGRES_URL, requireService } from '../_helpers/services.js';
import { startSqlProxy } from '../_helpers/sql-proxy.js';

const tempDir = tempDirs('shipshape-lockedmigrate-');

// The slow ones (a 10 s grace, a 10 s heartbeat bound, MariaDB's 30 s wait_timeout) run side by side.
describe('shipshape lockedmigrate: the lock lost while COMMAND runs', { concurrency: true }, () => {
  for (const database of DATABASES) {
    test(`on ${database.name}: the session killed by the server stops COMMAND (SIGTERM) and exits 1; a waiter then takes the lock`, async (t) => {
      if (!(await requireService(t, database.name, database.port))) return;
      const dir = tempDir();
      const admin = await lockAdmin(database);
      t.after(() => admin.close());
      const lockId = uniqueLockId();
      const holderFile = path.join(dir, 'holder');
      const holder = startShipshape(['lockedmigrate', '-d', database.url, '--lock-id', String(lockId), '--', ...holdingCommand(holderFile, { exitCode: 0 })]);
      t.after(() => killQuietly(commandPid(holderFile)));
      await eventually('the holder to run its COMMAND', () => commandPid(holderFile));
      const waiter = startShipshape(['lockedmigrate', '-d', database.url, '--lock-id', String(lockId), '--', ...markerCommand(path.join(dir, 'waiter'), 'w', 0)]);
      await eventually('the waiter to wait', () => waiter.output().stderr.includes('is held by'));

      await admin.kill((await admin.holder(lockId))!);
      const done = await holder.done;
      assert.equal(done.status, 1, done.stderr);
      assert.deepEqual(lines(holderFile).slice(1), ['got SIGTERM'], 'COMMAND was told to stop');
      assert.match(done.stderr, /lost lock \S+ while node ran: its connection was lost \(the server ended the session, or the network broke\)\. Another replica can take the lock now, so node is stopped \(SIGTERM, SIGKILL after 10 s\)/);
      assert.match(done.stderr, /node exited with 0; exit 1 \(lock lost\)$/m, 'a COMMAND that stopped cleanly is still a failed run');
      const waited = await waiter.done;
      assert.equal(waited.status, 0, waited.stderr);
      assert.deepEqual(lines(path.join(dir, 'waiter')), ['start w', 'end w']);
    });
  }

  test('a COMMAND that ignores SIGTERM is killed after the grace', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const dir = tempDir();
    const admin = await lockAdmin(DATABASES[0]);
    t.after(() => admin.close());
    const lockId = uniqueLockId();
    const holderFile = path.join(dir, 'holder');
    const holder = startShipshape(['lockedmigrate', '-d', POSTGRES_URL, '--lock-id', String(lockId), '--', ...holdingCommand(holderFile, { ignoreSignals: true })]);
    t.after(() => killQuietly(commandPid(holderFile)));
    await eventually('the holder to run its COMMAND', () => commandPid(holderFile));
    await admin.kill((await admin.holder(lockId))!);
    const done = await holder.done;
    assert.equal(done.status, 1, done.stderr);
    assert.deepEqual(lines(holderFile).slice(1), ['got SIGTERM']);
    assert.match(done.stderr, /node was ended by SIGKILL \(exit 137\); exit 1 \(lock lost\)/);
    assert.ok(done.elapsedMs < 40_000, `took ${done.elapsedMs} ms`);
  });

  test('on postgres: a network gone silent fails the heartbeat within its bound, and COMMAND is stopped', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const dir = tempDir();
    const proxy = await startSqlProxy(5432);
    t.after(() => proxy.close());
    const holderFile = path.join(dir, 'holder');
    const holder = startShipshape(['lockedmigrate', '-d', `postgres://postgres@127.0.0.1:${proxy.port}/test`, '--lock-id', String(uniqueLockId()), '--', ...holdingCommand(holderFile)]);
    t.after(() => killQuietly(commandPid(holderFile)));
    await eventually('the holder to run its COMMAND', () => commandPid(holderFile));
    const frozenAt = Date.now();
    proxy.freeze();
    const done = await holder.done;
    assert.equal(done.status, 1, done.stderr);
    assert.match(done.stderr, /lost lock \d+ while node ran: its heartbeat failed: no answer from the database within 10 s\. Another replica can take the lock now/);
    assert.deepEqual(lines(holderFile).slice(1), ['got SIGTERM']);
    // heartbeat every 5 s, bounded at 10 s: well before the server's keepalives (about 30 s) free the lock
    assert.ok(Date.now() - frozenAt < 25_000, `noticed after ${Date.now() - frozenAt} ms`);
    await proxy.waitForAllClosed(2000);
  });

  test('on mariadb: a holder that stops answering (SIGSTOP) loses the lock after wait_timeout; resumed, it stops COMMAND', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    const dir = tempDir();
    const lockId = String(uniqueLockId());
    const holderFile = path.join(dir, 'holder');
    const holder = startShipshape(['lockedmigrate', '-d', MYSQL_URL, '--lock-id', lockId, '--', ...holdingCommand(holderFile)]);
    t.after(() => {
      holder.child.kill('SIGCONT');
      killQuietly(commandPid(holderFile));
    });
    await eventually('the holder to run its COMMAND', () => commandPid(holderFile));
    // frozen like a pod whose node vanished: its socket stays open, it sends nothing
    holder.child.kill('SIGSTOP');
    const stoppedAt = Date.now();
    const waiter = startShipshape(['lockedmigrate', '-d', MYSQL_URL, '--lock-id', lockId, '--', ...markerCommand(path.join(dir, 'waiter'), 'w', 0)], { killAfterMs: 90_000 });
    const waited = await waiter.done;
    assert.equal(waited.status, 0, waited.stderr);
    assert.ok(Date.now() - stoppedAt >= 20_000, `freed after ${Date.now() - stoppedAt} ms: sooner than wait_timeout`);
    assert.ok(Date.now() - stoppedAt < 75_000, `freed after ${Date.now() - stoppedAt} ms`);
    holder.child.kill('SIGCONT');
    const done = await holder.done;
    assert.equal(done.status, 1, done.stderr);
    assert.match(done.stderr, /lost lock shipshape:test:\d+ while node ran/);
    assert.deepEqual(lines(holderFile).slice(1), ['got SIGTERM']);
  });
});

test('on postgres: the server keeps a short keepalive on the lock session (about 30 s to notice a vanished holder, not 2 h)', async (t) => {
  if (!(await requireService(t, 'postgres', 5432))) return;
  try {
    execFileSync('ss', ['-V'], { stdio: 'ignore' });
  } catch {
    t.skip('ss (iproute2) is not installed');
    return;
  }
  const dir = tempDir();
  const admin = await lockAdmin(DATABASES[0]);
  t.after(() => admin.close());
  const control = new pg.Client({ connectionString: POSTGRES_URL, application_name: 'shipshape-test-keepalive-control' });
  await control.connect();
  t.after(() => control.end());
  const lockId = uniqueLockId();
  const holderFile = path.join(dir, 'holder');
  const holder = startShipshape(['lockedmigrate', '-d', POSTGRES_URL, '--lock-id', String(lockId), '--', ...holdingCommand(holderFile)]);
  t.after(() => killQuietly(commandPid(holderFile)));
  await eventually('the holder to run its COMMAND', () => commandPid(holderFile));

  const serverKeepalive = async (pid: number): Promise<number> => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ port: number }>('SELECT client_port AS port FROM pg_stat_activity WHERE pid = $1', [pid]);
      // the server's end of that connection: source port 5432, destination the client's port
      // A socket shows one timer at a time: while a reply is unacknowledged it is the
      // retransmission timer (`timer:(on,…)`), so read again until the keepalive one shows.
      let out = '';
      for (let attempt = 0; attempt < 50; attempt++) {
        out = execFileSync('ss', ['-tnoH', 'state', 'established', `( sport = :5432 and dport = :${rows[0]!.port} )`], { encoding: 'utf8' });
        const match = /timer:\(keepalive,(?:(\d+)min)?(?:([\d.]+)sec)?/.exec(out);
        if (match) return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
        await setTimeout(100);
      }
      assert.fail(`no keepalive timer on the server's socket: ${out}`);
    } finally {
      await client.end();
    }
  };
  const lockSession = await serverKeepalive((await admin.holder(lockId))!);
  const { rows } = await control.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const ordinary = await serverKeepalive(rows[0]!.pid);
  assert.ok(lockSession <= 10, `the lock session's next keepalive probe is ${lockSession} s away`);
  assert.ok(ordinary > 60, `an ordinary session's is ${ordinary} s away (the kernel default)`);
  holder.child.kill('SIGTERM');
  assert.equal((await holder.done).status, 0);
});
