/**
 * `shipshape wait4db` over time, through the real binary: a port that starts listening
 * late, a blackhole (each attempt bounded, the loop never stalls), the 5 s ceiling of an
 * attempt, and the stability window starting again after a failure. Timings are asserted
 * as relations between the child's own lines, and as generous upper bounds only.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startShipshape, shipshape } from '../_helpers/cli.js';
import { count, waitForStderr } from '../_helpers/cli-output.js';
import { POSTGRES_URL, requireService } from '../_helpers/services.js';
import { refusedPort, startBlackhole } from '../_helpers/sockets.js';
import { startSqlProxy } from '../_helpers/sql-proxy.js';
import { linesOf, notReady, readyAfter } from '../_helpers/wait4.js';

/** What a loaded CI machine may add to a child's wall time: Node + tsx start-up, and exit. */
const MARGIN_MS = 8000;

test('a port that starts listening late: ECONNREFUSED lines, then ready once stable', async (t) => {
  if (!(await requireService(t, 'postgres', 5432))) return;
  const port = await refusedPort();
  const label = `postgres://***@127.0.0.1:${port}/test`;
  const child = startShipshape(['wait4db', '-d', `postgres://postgres@127.0.0.1:${port}/test`, '--interval', '0.25', '--stable', '1', '--timeout', '30']);
  await waitForStderr(child, /ECONNREFUSED/, 3);
  const proxy = await startSqlProxy(5432, '127.0.0.1', port);
  try {
    const run = await child.done;
    assert.equal(run.status, 0, run.stderr);
    const lines = linesOf(run.stderr, label);
    const refused = lines.filter((line) => line.text === 'ECONNREFUSED');
    assert.ok(refused.length >= 3);
    assert.deepEqual(lines.slice(0, refused.length), refused, 'the refusals come first');
    const ok = lines.slice(refused.length);
    assert.ok(ok.length >= 2 && ok.every((line) => /^ok, stable for \d\.\d of 1 s$/.test(line.text)), run.stderr);
    // one line an attempt, an attempt every 0.25 s: the refusals are spread over the wait
    const lastRefusal = refused.at(-1)!.elapsedS;
    assert.ok(lastRefusal >= (refused.length - 1) * 0.25 - 0.05, `${refused.length} attempts took ${lastRefusal} s`);
    const readyAt = readyAfter(run.stdout, label, '1');
    assert.ok(readyAt !== undefined, run.stdout);
    assert.ok(readyAt >= lastRefusal + 1, 'ready one stable second after the port opened');
    assert.equal(count(run.stdout, /\n/g), 1, 'one result line');
  } finally {
    await proxy.close();
  }
});

test('a blackhole: every attempt is cut off at the interval, lines keep coming, exit 1 at --timeout naming the target', async () => {
  const blackhole = await startBlackhole();
  try {
    const label = `postgres://***@127.0.0.1:${blackhole.port}/test`;
    const child = startShipshape(['wait4db', '-d', `postgres://postgres:s3cret-blackhole@127.0.0.1:${blackhole.port}/test`, '--interval', '1', '--timeout', '4.5', '--stable', '1']);
    let mostOpen = 0;
    const sampler = setInterval(() => (mostOpen = Math.max(mostOpen, blackhole.openConnections())), 10);
    const run = await child.done;
    clearInterval(sampler);
    assert.equal(run.status, 1, run.stderr);
    assert.ok(run.elapsedMs < 4500 + MARGIN_MS, `exited after ${run.elapsedMs} ms`);
    const lines = linesOf(run.stderr, label);
    // attempts at 0, 1, 2, 3, 4 s, each cut off at 1 s (the last one by the timeout)
    assert.ok(lines.length >= 4 && lines.length <= 6, run.stderr);
    for (const line of lines.slice(0, -1)) assert.equal(line.text, 'no answer within 1 s');
    assert.match(lines.at(-1)!.text, /^no answer (within 1 s|before the timeout)$/, 'the last one may be cut short by --timeout');
    for (const [index, line] of lines.entries()) {
      assert.ok(line.elapsedS <= index + 1 + 1, `attempt ${index + 1} ended at ${line.elapsedS} s: not stalled`);
    }
    assert.ok(lines.at(-1)!.elapsedS <= 4.5 + 0.5, 'no attempt past the timeout');
    assert.deepEqual(notReady(run.stdout), [{ target: label, cause: 'no answer within 1 s', attempts: lines.length }]);
    assert.match(run.stdout, new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not ready after 4.5 s: `));
    assert.ok(blackhole.acceptedConnections() >= lines.length - 1, 'a fresh connection each attempt');
    assert.ok(mostOpen <= 2, `a timed-out attempt frees its socket (${mostOpen} open at once)`);
    assert.doesNotMatch(run.stdout + run.stderr, /s3cret-blackhole/);
  } finally {
    await blackhole.close();
  }
});

test('an attempt is bounded by --interval, but given at least 1 s and never more than 5 s', async () => {
  const blackhole = await startBlackhole();
  try {
    const label = `postgres://***@127.0.0.1:${blackhole.port}/test`;
    const url = `postgres://postgres@127.0.0.1:${blackhole.port}/test`;
    const [short, long] = await Promise.all([
      shipshape(['wait4db', '-d', url, '--interval', '0.2', '--timeout', '2.5', '--stable', '1']),
      shipshape(['wait4db', '-d', url, '--interval', '30', '--timeout', '6.5', '--stable', '1']),
    ]);
    assert.equal(short.status, 1, short.stderr);
    const shortLines = linesOf(short.stderr, label);
    assert.equal(shortLines[0]?.text, 'no answer within 1 s');
    assert.ok(shortLines.length >= 2 && shortLines.length <= 4, short.stderr);

    assert.equal(long.status, 1, long.stderr);
    const [line, ...more] = linesOf(long.stderr, label);
    assert.equal(line?.text, 'no answer within 5 s');
    assert.ok(line.elapsedS >= 5 && line.elapsedS < 6, `${line.elapsedS} s`);
    assert.deepEqual(more, [], 'the next attempt would be 30 s later, past the timeout');
    assert.equal(notReady(long.stdout)[0]?.cause, 'no answer within 5 s');
    assert.ok(long.elapsedMs < 6500 + MARGIN_MS);
  } finally {
    await blackhole.close();
  }
});

test('a failure during the stability window starts it again', async (t) => {
  if (!(await requireService(t, 'postgres', 5432))) return;
  const proxy = await startSqlProxy(5432);
  try {
    const label = `postgres://***@127.0.0.1:${proxy.port}/test`;
    const child = startShipshape(['wait4db', '-d', `postgres://postgres@127.0.0.1:${proxy.port}/test`, '--interval', '0.2', '--stable', '1.5', '--timeout', '30']);
    // well into the window, the network goes silent (a partition) for one attempt's worth
    await waitForStderr(child, /ok, stable for 0\.[4-9] of 1\.5 s/);
    proxy.freeze();
    await waitForStderr(child, /no answer within 1 s/);
    proxy.thaw();
    const run = await child.done;
    assert.equal(run.status, 0, run.stderr);
    const lines = linesOf(run.stderr, label);
    const failed = lines.findIndex((line) => line.text === 'no answer within 1 s');
    assert.ok(failed > 0);
    const before = lines.slice(0, failed);
    const afterwards = lines.slice(failed).filter((line) => line.text.startsWith('ok'));
    assert.ok(before.every((line) => line.text.startsWith('ok, stable for')) && before.length >= 3);
    assert.match(afterwards[0]!.text, /^ok, stable for 0\.0 of 1\.5 s$/, 'the window starts again from 0');
    const lastFailure = lines.filter((line) => !line.text.startsWith('ok')).at(-1)!;
    assert.ok(readyAfter(run.stdout, label, '1.5')! >= lastFailure.elapsedS + 1.5, 'a whole window after the last failure');
  } finally {
    await proxy.close();
  }
});
