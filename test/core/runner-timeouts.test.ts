/**
 * The check runner against time: a timeout that aborts the check's signal, no second run
 * while an abandoned one still hangs, and timeouts past setTimeout's range.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProbes } from '../../src/index.js';
import { CheckRunner } from '../../src/core/runner.js';

describe('check runner timeouts', () => {
  it('answers a hanging check at its timeout, and aborts the signal it gave the check', async () => {
    let seen: AbortSignal | undefined;
    const probes = createProbes({
      readiness: {
        hang: {
          timeoutMs: 100,
          run: (signal) => {
            seen = signal;
            return new Promise(() => {});
          },
        },
      },
    });
    const started = performance.now();
    const report = await probes.check('readiness');
    const elapsed = performance.now() - started;
    assert.equal(report.status, 'fail');
    assert.equal(report.checks[0]?.reason, 'timed out after 100 ms');
    assert.ok(elapsed >= 95 && elapsed < 100 + 150, `answered after ${elapsed.toFixed(0)} ms`);
    assert.equal(seen?.aborted, true);
    assert.equal((seen?.reason as Error).name, 'CheckTimeoutError');
  });

  it('uses the probe-wide timeoutMs for checks without their own', async () => {
    const probes = createProbes({ timeoutMs: 50, readiness: { hang: () => new Promise(() => {}) } });
    const report = await probes.check('readiness');
    assert.equal(report.checks[0]?.reason, 'timed out after 50 ms');
  });

  it('never surfaces a check that settles after its timeout as an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const probes = createProbes({ readiness: { late: { timeoutMs: 20, run: () => sleep(60).then(() => Promise.reject(new Error('late'))) } } });
      assert.equal((await probes.check('readiness')).status, 'fail');
      await sleep(100);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('starts no second run while a run abandoned at its timeout still hangs, and says so at once', async () => {
    let runs = 0;
    let release!: () => void;
    // a check that ignores its signal, like a pool.query() to a blackholed database
    const probes = createProbes({
      readiness: {
        db: {
          timeoutMs: 40,
          run: () => {
            runs += 1;
            return new Promise<void>((resolve) => (release = resolve));
          },
        },
      },
    });
    const first = await probes.check('readiness');
    assert.equal(first.checks[0]?.reason, 'timed out after 40 ms');
    const started = performance.now();
    const reports = await Promise.all([probes.check('readiness'), probes.check('readiness'), probes.check('readiness')]);
    assert.ok(performance.now() - started < 30, 'answered at once, not after another timeout');
    assert.equal(runs, 1, 'no run started on top of the hanging one');
    for (const report of reports) {
      assert.equal(report.status, 'fail');
      assert.match(report.checks[0]?.reason ?? '', /^previous run \(started \d{4}-\d\d-\d\dT[\d:.]+Z\) still pending after its 40 ms timeout; no new run until it settles$/);
    }
    release();
    await sleep(5);
    const healed = await probes.check('readiness');
    assert.equal(runs, 2, 'the next run starts once the abandoned one settled');
    assert.equal(healed.status, 'fail', 'and it hangs like the first');
    release();
  });

  it('lets the next run start at once when the abandoned run settles by failing', async () => {
    let runs = 0;
    const probes = createProbes({
      readiness: { db: { timeoutMs: 20, run: () => (runs += 1) === 1 ? sleep(50).then(() => Promise.reject(new Error('late'))) : undefined } },
    });
    assert.equal((await probes.check('readiness')).status, 'fail');
    await sleep(60);
    assert.equal((await probes.check('readiness')).status, 'pass');
    assert.equal(runs, 2);
  });

  it('treats Infinity as "never" and caps a timeout past setTimeout’s range instead of firing at once', async () => {
    for (const timeoutMs of [Infinity, 2 ** 31, 1e12]) {
      const runner = new CheckRunner({ name: 'slow', run: () => sleep(30), timeoutMs, cacheMs: 0, intervalMs: 0, critical: true, logger: undefined });
      const result = await runner.result();
      assert.equal(result.ok, true, `timeoutMs ${timeoutMs}: ${result.reason}`);
    }
  });
});
