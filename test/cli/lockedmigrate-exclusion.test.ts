/**
 * `shipshape lockedmigrate` keeps its COMMANDs apart, on real PostgreSQL and MariaDB: runs
 * started together never overlap, a waiting run says who holds the lock, `--timeout` gives
 * up without running COMMAND, and different lock ids (or databases) do not wait on each other.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import mysql from 'mysql2/promise';
import { shipshape, startShipshape } from '../_helpers/cli.js';
import { tempDirs } from '../_helpers/temp.js';
import { DATABASES, eventually, lines, lockAdmin, markerCommand, nodeCommand, uniqueLockId } from '../_helpers/locks.js';
import { MYSQL_URL, requireService } from '../_helpers/services.js';

const tempDir = tempDirs('shipshape-lockedmigrate-');

/**
 * A COMMAND that appends `start` to `file`, then waits until `release` exists and appends
 * `end`. It gives up after 30 s (exit 9), so that a failed test leaves nothing behind.
 */
function untilReleased(file: string, release: string): string[] {
  return nodeCommand(
    `const fs = require('node:fs'); fs.appendFileSync(${JSON.stringify(file)}, 'start\\n'); setTimeout(() => process.exit(9), 30000).unref();` +
      ` const t = setInterval(() => { if (fs.existsSync(${JSON.stringify(release)})) { clearInterval(t); fs.appendFileSync(${JSON.stringify(file)}, 'end\\n'); } }, 20);`,
  );
}

/** Lets go of a holder at the end of a test, passed or failed (before its directory is removed). */
function releaseAfter(t: TestContext, release: string): void {
  t.after(() => {
    try {
      writeFileSync(release, '');
    } catch {
      // the directory is gone already
    }
  });
}

for (const database of DATABASES) {
  describe(`shipshape lockedmigrate on ${database.name}`, () => {
    test('5 runs started together never overlap, and each runs its COMMAND once', async (t) => {
      if (!(await requireService(t, database.name, database.port))) return;
      const dir = tempDir();
      const file = path.join(dir, 'markers');
      const lockId = String(uniqueLockId());
      const runs = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => shipshape(['lockedmigrate', '-d', database.url, '--lock-id', lockId, '--', ...markerCommand(file, String(n), 300)])),
      );
      for (const run of runs) assert.equal(run.status, 0, run.stderr);
      const markers = lines(file);
      assert.equal(markers.length, 10, markers.join('\n'));
      for (let i = 0; i < markers.length; i += 2) {
        const id = markers[i]!.replace('start ', '');
        assert.equal(markers[i], `start ${id}`);
        assert.equal(markers[i + 1], `end ${id}`, `run ${id} was overlapped:\n${markers.join('\n')}`);
      }
      assert.deepEqual(new Set(markers.filter((line) => line.startsWith('start'))).size, 5);
      // at least one of them had to wait, and said so
      assert.ok(runs.some((run) => /is held by/.test(run.stderr)), runs.map((run) => run.stderr).join('\n'));
    });

    test('a waiting run names the holder, then takes the lock once it is released', async (t) => {
      if (!(await requireService(t, database.name, database.port))) return;
      const dir = tempDir();
      const lockId = uniqueLockId();
      const admin = await lockAdmin(database);
      t.after(() => admin.close());
      const release = path.join(dir, 'release');
      const holder = startShipshape(['lockedmigrate', '-d', database.url, '--lock-id', String(lockId), '--', ...untilReleased(path.join(dir, 'holder'), release)]);
      await eventually('the holder to run its COMMAND', () => lines(path.join(dir, 'holder')).includes('start'));
      const session = await admin.holder(lockId);
      assert.ok(session, 'the server lists the lock as held');

      const waiter = startShipshape(['lockedmigrate', '-d', database.url, '--lock-id', String(lockId), '--', ...untilReleased(path.join(dir, 'waiter'), release)]);
      const line = await eventually('the waiter to name the holder', () => waiter.output().stderr.split('\n').find((text) => text.includes('is held by')));
      if (database.name === 'postgres') {
        assert.match(line, new RegExp(`^shipshape lockedmigrate: lock ${lockId} is held by pid ${session}, application "shipshape lockedmigrate ${hostname().slice(0, 20)}[^"]* ${holder.child.pid}", client 127\\.0\\.0\\.1:\\d+, held since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ; waiting \\(polling every 0\\.5 s\\)$`));
      } else {
        assert.match(line, new RegExp(`^shipshape lockedmigrate: lock shipshape:test:${lockId} is held by connection ${session}, user root, client 127\\.0\\.0\\.1:\\d+; waiting \\(polling every 0\\.5 s\\)$`));
      }
      assert.deepEqual(lines(path.join(dir, 'waiter')), [], 'the waiter has not run its COMMAND');
      writeFileSync(release, '');
      const [held, waited] = await Promise.all([holder.done, waiter.done]);
      assert.equal(held.status, 0, held.stderr);
      assert.equal(waited.status, 0, waited.stderr);
      assert.deepEqual(lines(path.join(dir, 'waiter')), ['start', 'end']);
      assert.match(waited.stderr, /took lock .* \(waited \d+\.\d s\); running node/);
      assert.equal(await admin.holder(lockId), undefined, 'released');
    });

    test('--timeout while another run holds the lock: exit 1, COMMAND never runs', async (t) => {
      if (!(await requireService(t, database.name, database.port))) return;
      const dir = tempDir();
      const lockId = String(uniqueLockId());
      const release = path.join(dir, 'release');
      const holder = startShipshape(['lockedmigrate', '-d', database.url, '--lock-id', lockId, '--', ...untilReleased(path.join(dir, 'holder'), release)]);
      releaseAfter(t, release);
      await eventually('the holder to run its COMMAND', () => lines(path.join(dir, 'holder')).includes('start'));
      const run = await shipshape(['lockedmigrate', '-d', database.url, '--lock-id', lockId, '--timeout', '1.5', '--', ...markerCommand(path.join(dir, 'late'), 'late', 0)]);
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stderr, /still held by (pid|connection) \d+.* after 1\.5 s \(--timeout\): node was not run$/m);
      assert.ok(run.elapsedMs < 15_000, `took ${run.elapsedMs} ms`);
      assert.deepEqual(lines(path.join(dir, 'late')), []);
      writeFileSync(release, '');
      assert.equal((await holder.done).status, 0);
    });

    test('another --lock-id does not wait', async (t) => {
      if (!(await requireService(t, database.name, database.port))) return;
      const dir = tempDir();
      const release = path.join(dir, 'release');
      const holder = startShipshape(['lockedmigrate', '-d', database.url, '--lock-id', String(uniqueLockId()), '--', ...untilReleased(path.join(dir, 'holder'), release)]);
      releaseAfter(t, release);
      await eventually('the holder to run its COMMAND', () => lines(path.join(dir, 'holder')).includes('start'));
      const other = await shipshape(['lockedmigrate', '-d', database.url, '--lock-id', String(uniqueLockId()), '--timeout', '10', '--', 'true']);
      assert.equal(other.status, 0, other.stderr);
      assert.doesNotMatch(other.stderr, /is held by/);
      writeFileSync(release, '');
      assert.equal((await holder.done).status, 0);
    });
  });
}

test('on MariaDB the same --lock-id in two databases of one server does not wait (the name holds the database)', async (t) => {
  if (!(await requireService(t, 'mariadb', 3306))) return;
  const other = `shipshape_lm_${process.pid}`;
  const root = await mysql.createConnection(MYSQL_URL);
  await root.query(`CREATE DATABASE IF NOT EXISTS ${other}`);
  t.after(async () => {
    await root.query(`DROP DATABASE IF EXISTS ${other}`);
    await root.end();
  });
  const dir = tempDir();
  const lockId = String(uniqueLockId());
  const release = path.join(dir, 'release');
  const holder = startShipshape(['lockedmigrate', '-d', MYSQL_URL, '--lock-id', lockId, '--', ...untilReleased(path.join(dir, 'holder'), release)]);
  releaseAfter(t, release);
  await eventually('the holder to run its COMMAND', () => lines(path.join(dir, 'holder')).includes('start'));
  const url = new URL(MYSQL_URL);
  url.pathname = `/${other}`;
  const run = await shipshape(['lockedmigrate', '-d', url.href, '--lock-id', lockId, '--timeout', '10', '--', 'true']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`took lock shipshape:${other}:${lockId} `));
  writeFileSync(release, '');
  assert.equal((await holder.done).status, 0);
});
