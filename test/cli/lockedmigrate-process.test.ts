/**
 * `shipshape lockedmigrate` and its COMMAND, as real processes: exit codes and signals pass
 * through, COMMAND gets the same stdio and environment, a holder killed with SIGKILL frees
 * the lock, and a signal while waiting exits without running COMMAND.
 */
import assert from 'node:assert/strict';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { shipshape, startShipshape } from '../_helpers/cli.js';
import { tempDirs } from '../_helpers/temp.js';
import { commandPid, DATABASES, eventually, holdingCommand, killQuietly, lines, lockAdmin, markerCommand, nodeCommand, uniqueLockId } from '../_helpers/locks.js';
import { POSTGRES_URL, requireService } from '../_helpers/services.js';

const tempDir = tempDirs('shipshape-lockedmigrate-');

const postgres = DATABASES[0];

describe('shipshape lockedmigrate: COMMAND', () => {
  for (const database of DATABASES) {
    test(`on ${database.name}: exits with COMMAND's exit code (3) and releases the lock`, async (t) => {
      if (!(await requireService(t, database.name, database.port))) return;
      const admin = await lockAdmin(database);
      t.after(() => admin.close());
      const lockId = uniqueLockId();
      const run = await shipshape(['lockedmigrate', '-d', database.url, '--lock-id', String(lockId), '--', ...nodeCommand('process.exit(3)')]);
      assert.equal(run.status, 3, run.stderr);
      assert.match(run.stderr, /node exited with 3 after \d+\.\d s; lock \S+ released$/m);
      assert.equal(await admin.holder(lockId), undefined);
    });
  }

  test('a COMMAND ended by a signal is exit 128 + its number', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      const run = await shipshape(['lockedmigrate', '-d', POSTGRES_URL, '--lock-id', String(uniqueLockId()), '--', ...nodeCommand(`process.kill(process.pid, '${signal}'); setTimeout(() => {}, 5000)`)]);
      assert.equal(run.status, 128 + constants.signals[signal], run.stderr);
      assert.match(run.stderr, new RegExp(`node was ended by ${signal} \\(exit ${128 + constants.signals[signal]}\\)`));
    }
  });

  test('COMMAND gets the same stdin, stdout, stderr and environment', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const script = "process.stdin.on('data', (d) => process.stdout.write('in:' + d)); process.stdin.on('end', () => { process.stdout.write('env:' + process.env.SHIPSHAPE_LM_TEST + '\\n'); process.stderr.write('to stderr\\n'); });";
    const run = await shipshape(['lockedmigrate', '-d', POSTGRES_URL, '--lock-id', String(uniqueLockId()), '--', ...nodeCommand(script)], {
      input: 'hello\n',
      env: { SHIPSHAPE_LM_TEST: 'passed-through' },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'in:hello\nenv:passed-through\n', 'shipshape writes nothing of its own to stdout');
    assert.match(run.stderr, /^to stderr$/m);
  });

  test('a COMMAND that does not exist is exit 127, one that cannot be run 126; the lock is released', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const admin = await lockAdmin(postgres);
    t.after(() => admin.close());
    const lockId = uniqueLockId();
    const missing = await shipshape(['lockedmigrate', '-d', POSTGRES_URL, '--lock-id', String(lockId), '--', 'shipshape-no-such-command', '--secret-arg']);
    assert.equal(missing.status, 127, missing.stderr);
    assert.match(missing.stderr, /shipshape-no-such-command could not be started \(not found, exit 127\)/);
    assert.doesNotMatch(missing.stderr, /--secret-arg/, 'arguments are not printed');
    const notRunnable = await shipshape(['lockedmigrate', '-d', POSTGRES_URL, '--lock-id', String(lockId), '--', tmpdir()]);
    assert.equal(notRunnable.status, 126, notRunnable.stderr);
    assert.equal(await admin.holder(lockId), undefined);
  });
});

describe('shipshape lockedmigrate: signals', () => {
  test('SIGTERM, SIGINT and SIGHUP to lockedmigrate reach COMMAND, whose exit code is passed on', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const dir = tempDir();
    await Promise.all(
      (['SIGTERM', 'SIGINT', 'SIGHUP'] as const).map(async (signal) => {
        const file = path.join(dir, signal);
        const run = startShipshape(['lockedmigrate', '-d', POSTGRES_URL, '--lock-id', String(uniqueLockId()), '--', ...holdingCommand(file, { exitCode: 7 })]);
        await eventually(`COMMAND to start (${signal})`, () => commandPid(file));
        run.child.kill(signal);
        const done = await run.done;
        assert.equal(done.status, 7, done.stderr);
        assert.deepEqual(lines(file).slice(1), [`got ${signal}`]);
        assert.match(done.stderr, new RegExp(`${signal}: passing it on to node`));
      }),
    );
  });

  test('a COMMAND that dies of the forwarded SIGTERM is exit 143', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const dir = tempDir();
    const file = path.join(dir, 'started');
    const run = startShipshape(['lockedmigrate', '-d', POSTGRES_URL, '--lock-id', String(uniqueLockId()), '--', ...nodeCommand(`require('node:fs').writeFileSync(${JSON.stringify(file)}, 'pid ' + process.pid); setInterval(() => {}, 1000)`)]);
    await eventually('COMMAND to start', () => commandPid(file));
    run.child.kill('SIGTERM');
    const done = await run.done;
    assert.equal(done.status, 143, done.stderr);
  });

  test('SIGTERM while waiting for the lock exits 143 at once without running COMMAND', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const dir = tempDir();
    const lockId = String(uniqueLockId());
    const holderFile = path.join(dir, 'holder');
    const holder = startShipshape(['lockedmigrate', '-d', POSTGRES_URL, '--lock-id', lockId, '--', ...holdingCommand(holderFile)]);
    t.after(() => holder.child.kill('SIGTERM'));
    await eventually('the holder to run its COMMAND', () => commandPid(holderFile));
    const waiter = startShipshape(['lockedmigrate', '-d', POSTGRES_URL, '--lock-id', lockId, '--', ...markerCommand(path.join(dir, 'waiter'), 'w', 0)]);
    await eventually('the waiter to wait', () => waiter.output().stderr.includes('is held by'));
    waiter.child.kill('SIGTERM');
    const done = await waiter.done;
    assert.equal(done.status, 143, done.stderr);
    assert.match(done.stderr, /SIGTERM while waiting for lock \d+: node was not run/);
    assert.deepEqual(lines(path.join(dir, 'waiter')), []);
    holder.child.kill('SIGTERM');
    assert.equal((await holder.done).status, 0);
  });
});

describe('shipshape lockedmigrate: a holder killed with SIGKILL', () => {
  for (const database of DATABASES) {
    test(`on ${database.name}: frees the lock, and the next run takes it within seconds`, async (t) => {
      if (!(await requireService(t, database.name, database.port))) return;
      const dir = tempDir();
      const lockId = String(uniqueLockId());
      const holderFile = path.join(dir, 'holder');
      const holder = startShipshape(['lockedmigrate', '-d', database.url, '--lock-id', lockId, '--', ...holdingCommand(holderFile)]);
      // lockedmigrate cannot take its COMMAND along when it is SIGKILLed (in a pod the
      // container's processes die together): end the orphan ourselves
      t.after(() => killQuietly(commandPid(holderFile)));
      await eventually('the holder to run its COMMAND', () => commandPid(holderFile));
      const waiter = startShipshape(['lockedmigrate', '-d', database.url, '--lock-id', lockId, '--', ...markerCommand(path.join(dir, 'waiter'), 'w', 0)]);
      await eventually('the waiter to wait', () => waiter.output().stderr.includes('is held by'));
      const killedAt = Date.now();
      holder.child.kill('SIGKILL');
      const done = await waiter.done;
      assert.equal(done.status, 0, done.stderr);
      assert.deepEqual(lines(path.join(dir, 'waiter')), ['start w', 'end w']);
      assert.ok(Date.now() - killedAt < 15_000, `the lock came free after ${Date.now() - killedAt} ms`);
    });
  }
});
