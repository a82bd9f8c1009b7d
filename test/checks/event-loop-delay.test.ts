import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventLoopDelay } from '../../src/checks/event-loop-delay.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { runCheck } from '../_helpers/run-check.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function blockLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy-wait: nothing else runs
  }
}

test('passes while the loop turns freely and reports the p99 delay in ms', async () => {
  // maxMs far above what a busy machine's scheduler adds, so that only a real stall fails it
  const check = eventLoopDelay({ maxMs: 1000 });
  try {
    await sleep(300);
    const outcome = await runCheck(check);
    assert.equal(outcome.ok, true, outcome.reason);
    const value = outcome.value as { observedValue: number; observedUnit: string };
    assert.equal(value.observedUnit, 'ms');
    assert.ok(value.observedValue >= 0 && value.observedValue < 1000);
  } finally {
    check.close?.();
  }
});

test('fails after the loop was blocked, with the delay in the reason', async () => {
  const check = eventLoopDelay({ maxMs: 50 });
  try {
    await sleep(100);
    blockLoop(300);
    await sleep(30); // the sampling timer records the stall when it runs again
    const outcome = await runCheck(check);
    assert.equal(outcome.ok, false);
    assert.match(outcome.reason ?? '', /^event loop delay p99 [\d.]+ ms, at most 50 ms allowed$/);
    const observed = Number(/p99 ([\d.]+) ms/.exec(outcome.reason ?? '')?.[1]);
    assert.ok(observed >= 200, `p99 ${observed} ms`);
  } finally {
    check.close?.();
  }
});

test('forgets a stall after two windows', async () => {
  // the 300 ms stall is twice maxMs; the windows after it must pass on a loaded machine too
  const check = eventLoopDelay({ maxMs: 150, windowMs: 100 });
  try {
    await sleep(30);
    blockLoop(300);
    await sleep(30);
    assert.equal((await runCheck(check)).ok, false);
    await sleep(350);
    const outcome = await runCheck(check);
    assert.equal(outcome.ok, true, outcome.reason);
  } finally {
    check.close?.();
  }
});

test('close() stops measuring, is idempotent, and later runs fail', async () => {
  const check = eventLoopDelay({ maxMs: 1000 });
  check.close?.();
  check.close?.();
  assert.equal((await runCheck(check)).reason, 'check closed');
});

test('rejects a missing or bad maxMs and windowMs at construction', () => {
  assert.throws(() => eventLoopDelay(undefined as never), InvalidOptionError);
  assert.throws(() => eventLoopDelay({} as never), /`maxMs` of `eventLoopDelay` to be a positive number of milliseconds, got `undefined`/);
  assert.throws(() => eventLoopDelay({ maxMs: -5 }), /got `-5`/);
  assert.throws(() => eventLoopDelay({ maxMs: 50, windowMs: 0 }), /`windowMs` to be a positive number/);
  assert.throws(() => eventLoopDelay({ maxMs: 50, window: 5 } as never), /Unknown option `window`/);
});
