/**
 * The check runner against time: a timeout that aborts the check's signal, no second run
 * while an abandoned one still hangs, and timeouts past setTimeout's range.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
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
    const signals: AbortSignal[] = [];
    const probes = createProbes({
      readiness: {
        db: {
          timeoutMs: 20,
          run: (signal) => {
            signals.push(signal);
            return (runs += 1) === 1 ? sleep(50).then(() => Promise.reject(new Error('late'))) : undefined;
          },
        },
      },
    });
    assert.equal((await probes.check('readiness')).status, 'fail');
    await sleep(60);
    assert.equal((await probes.check('readiness')).status, 'pass');
    assert.equal(runs, 2);
    assert.equal(signals[0]?.aborted, true);
    assert.equal(signals[1]?.aborted, false, 'the run after a timeout got the signal that timeout aborted');
  });

  it('treats Infinity as "never" and caps a timeout past setTimeout’s range instead of firing at once', async () => {
    for (const timeoutMs of [Infinity, 2 ** 31, 1e12]) {
      const runner = new CheckRunner({ name: 'slow', run: () => sleep(30), timeoutMs, cacheMs: 0, intervalMs: 0, critical: true, logger: undefined });
      const result = await runner.result();
      assert.equal(result.ok, true, `timeoutMs ${timeoutMs}: ${result.reason}`);
    }
  });

  it('never gives a run a signal aborted before, nor one a listener of an earlier run still hears', async () => {
    const signals: AbortSignal[] = [];
    let heardLate = 0;
    let hang = false;
    const probes = createProbes({
      readiness: {
        db: {
          timeoutMs: 30,
          run: (signal) => {
            signals.push(signal);
            assert.equal(signal.aborted, false, `run ${signals.length} got an aborted signal`);
            if (hang) return new Promise(() => {});
            // a listener left on the signal of a run that passed (a driver that never removes it)
            if (signals.length === 2) signal.addEventListener('abort', () => (heardLate += 1));
            return undefined;
          },
        },
      },
    });
    assert.equal((await probes.check('readiness')).status, 'pass');
    assert.equal((await probes.check('readiness')).status, 'pass');
    hang = true;
    assert.equal((await probes.check('readiness')).status, 'fail');
    assert.notEqual(signals[2], signals[1], 'a signal with a listener left on it is not given again');
    assert.equal(signals[2]?.aborted, true);
    assert.equal(heardLate, 0, 'the listener of run 2 heard the timeout of run 3');
    await sleep(60); // the abandoned run never settles: no run, a failure at once
    assert.equal(signals.length, 3);
  });

  it('keeps a process alive until a hanging check’s timeout, and not a moment longer once a check passed', { timeout: 60_000 }, async () => {
    const index = new URL('../../src/index.ts', import.meta.url).href;
    // nothing else keeps this child's event loop alive: only the check's deadline timer can
    const script = `
      import { createProbes } from ${JSON.stringify(index)};
      const probes = createProbes({ readiness: { quick: { run: async () => {}, timeoutMs: 20000 } }, liveness: { hang: { run: () => new Promise(() => {}), timeoutMs: 200 } } });
      const ready = await probes.check('readiness');
      const live = await probes.check('liveness');
      console.log(ready.status, live.status, live.checks[0].reason);
    `;
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, output);
    assert.equal(output.trim(), 'pass fail timed out after 200 ms');
    // the passing check's 20 s deadline timer, still scheduled, must not hold the process
    assert.ok(performance.now() - started < 15_000, `exited after ${(performance.now() - started).toFixed(0)} ms`);
  });
});
