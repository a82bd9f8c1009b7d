/**
 * `withMigrationLock` from `shipshape/jobs`, against real PostgreSQL and MariaDB: the lock is
 * held while `fn` runs and released after, whatever `fn` does; it is `lockedmigrate`'s lock
 * (a `lockedmigrate` holding it makes the function wait, and time out); a lost lock aborts
 * `fn`'s signal; the caller's signal stops the wait.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { InvalidOptionError, isShipshapeError } from '../../../src/index.js';
import { LockLostError, LockTimeoutError, withMigrationLock, type LockWait } from '../../../src/jobs/index.js';
import { startShipshape } from '../../_helpers/cli.js';
import { commandPid, DATABASES, eventually, holdingCommand, killQuietly, lockAdmin, uniqueLockId } from '../../_helpers/locks.js';
import { requireService } from '../../_helpers/services.js';
import { tempDirs } from '../../_helpers/temp.js';

const tempDir = tempDirs('shipshape-with-lock-');

for (const database of DATABASES) {
  describe(`withMigrationLock on ${database.name}`, () => {
    test('holds the lock while fn runs, resolves to what fn returns, and releases it', async (t) => {
      if (!(await requireService(t, database.name, database.port))) return;
      const admin = await lockAdmin(database);
      t.after(() => admin.close());
      const lockId = uniqueLockId();
      const result = await withMigrationLock(database.url, async (signal) => {
        assert.notEqual(await admin.holder(lockId), undefined, 'held while fn runs');
        return { aborted: signal.aborted };
      }, { lockId });
      assert.deepEqual(result, { aborted: false });
      assert.equal(await admin.holder(lockId), undefined, 'released');
    });

    test('releases the lock after fn throws, and rejects with its error', async (t) => {
      if (!(await requireService(t, database.name, database.port))) return;
      const admin = await lockAdmin(database);
      t.after(() => admin.close());
      const lockId = uniqueLockId();
      const failure = new Error('migration 007 failed');
      await assert.rejects(withMigrationLock(database.url, async () => {
        assert.notEqual(await admin.holder(lockId), undefined);
        throw failure;
      }, { lockId }), (error) => error === failure);
      assert.equal(await admin.holder(lockId), undefined, 'released');
      // and taken again at once by the next one
      assert.equal(await withMigrationLock(database.url, () => 'next', { lockId, timeoutMs: 5000 }), 'next');
    });

    test("waits for lockedmigrate's lock, says who holds it, and rejects with LockTimeoutError at timeoutMs without running fn", async (t) => {
      if (!(await requireService(t, database.name, database.port))) return;
      const file = path.join(tempDir(), 'holder');
      const lockId = uniqueLockId();
      const holder = startShipshape(['lockedmigrate', '-d', database.url, '--lock-id', String(lockId), '--', ...holdingCommand(file)]);
      t.after(() => killQuietly(commandPid(file)));
      await eventually('lockedmigrate to run its COMMAND', () => commandPid(file));
      const waits: LockWait[] = [];
      let ran = false;
      const started = Date.now();
      await assert.rejects(
        withMigrationLock(database.url, () => (ran = true), { lockId, timeoutMs: 1500, onWait: (wait) => waits.push(wait) }),
        (error) => error instanceof LockTimeoutError && error.code === 'SHIPSHAPE_LOCK_TIMEOUT' && /still held by .* after 1\.5 s$/.test(error.message),
      );
      assert.ok(Date.now() - started < 15_000);
      assert.equal(ran, false);
      assert.equal(waits.length, 1, 'said once: the holder did not change');
      const name = database.name === 'postgres' ? `lock ${lockId}` : `lock shipshape:test:${lockId}`;
      assert.equal(waits[0]!.lock, name);
      assert.match(waits[0]!.holder, database.name === 'postgres' ? /^pid \d+, application "shipshape lockedmigrate / : /^connection \d+, user root/);
      holder.child.kill('SIGTERM');
      assert.equal((await holder.done).status, 0);
    });

    test('aborts the signal given to fn when the lock is lost, and rejects with LockLostError', async (t) => {
      if (!(await requireService(t, database.name, database.port))) return;
      const admin = await lockAdmin(database);
      t.after(() => admin.close());
      const lockId = uniqueLockId();
      let reason: unknown;
      await assert.rejects(
        withMigrationLock(database.url, async (signal) => {
          // an operator (or a failover) ends the lock's session
          await admin.kill((await admin.holder(lockId))!);
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
          reason = signal.reason;
          return 'stopped';
        }, { lockId }),
        (error) => error instanceof LockLostError && error.code === 'SHIPSHAPE_LOCK_LOST' && error === reason,
      );
      assert.match(String((reason as Error).message), /was lost: its connection was lost/);
      // the ended backend lets go of its locks as its process exits, a moment after its socket closed
      await eventually('the lock to be free', async () => (await admin.holder(lockId)) === undefined);
    });

    test("stops waiting when the caller's signal aborts, rejecting with its reason", async (t) => {
      if (!(await requireService(t, database.name, database.port))) return;
      const lockId = uniqueLockId();
      const stop = new AbortController();
      let ran = 0;
      await withMigrationLock(database.url, async () => {
        const waiter = withMigrationLock(database.url, () => (ran += 1), { lockId, signal: stop.signal, onWait: () => stop.abort(new Error('shutting down')) });
        await assert.rejects(waiter, /shutting down/);
      }, { lockId });
      assert.equal(ran, 0);
    });
  });
}

describe('withMigrationLock: options', () => {
  test('refuses what no replica could share, and bad options, before connecting', async () => {
    const invalid = (error: unknown): boolean => error instanceof InvalidOptionError && isShipshapeError(error);
    await assert.rejects(async () => withMigrationLock('sqlite:///tmp/app.db', () => 1), (error) => invalid(error) && /an SQLite database has no lock that replicas could share: withMigrationLock needs/.test((error as Error).message));
    await assert.rejects(async () => withMigrationLock('postgres://127.0.0.1:1/x', () => 1, { lockId: 2 ** 64 }), invalid);
    await assert.rejects(async () => withMigrationLock('postgres://127.0.0.1:1/x', () => 1, { lockId: 1.5 }), invalid);
    await assert.rejects(async () => withMigrationLock('postgres://127.0.0.1:1/x', () => 1, { timeoutMs: 0 }), invalid);
    await assert.rejects(async () => withMigrationLock('postgres://127.0.0.1:1/x', 'migrate' as never), invalid);
    await assert.rejects(async () => withMigrationLock('postgres://127.0.0.1:1/x', () => 1, { lockid: 1 } as never), /Unknown option `lockid`/);
  });

  test('names the database, redacted, when it cannot be reached', async () => {
    await assert.rejects(withMigrationLock('postgres://app:s3cret-lock@127.0.0.1:1/x', () => 1, { timeoutMs: 10_000 }), (error) => {
      assert.match((error as Error).message, /^postgres:\/\/\*\*\*@127\.0\.0\.1:1\/x: .*ECONNREFUSED/);
      assert.doesNotMatch((error as Error).message, /s3cret-lock/);
      return true;
    });
  });
});
