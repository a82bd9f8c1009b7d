/**
 * The check runner: one in-flight run for concurrent callers, cacheMs, concurrency within a
 * probe, and state-change logging (timeouts: runner-timeouts.test.ts).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProbes } from '../../src/index.js';
import { withProbes } from '../../src/adapters/node.js';

function recordingLogger() {
  const lines: string[] = [];
  return {
    lines,
    info: (m: string) => lines.push(`info ${m}`),
    warn: (m: string) => lines.push(`warn ${m}`),
    error: (m: string) => lines.push(`error ${m}`),
  };
}

describe('check runner', () => {
  it('runs a check once for 50 concurrent /readyz requests', async () => {
    let runs = 0;
    let arrived = 0;
    let allArrived!: () => void;
    const everyone = new Promise<void>((resolve) => (allArrived = resolve));
    // the run lasts until all 50 requests have reached the server (not a fixed time, which a
    // loaded machine may outlast while the requests still trickle in)
    const probes = createProbes({
      readiness: {
        db: async () => {
          runs += 1;
          await everyone;
        },
      },
    });
    const probing = withProbes(probes);
    const server = http
      .createServer((req, res) => {
        if ((arrived += 1) === 50) setTimeout(allArrived, 10);
        probing(req, res);
      })
      .listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
    try {
      const answers = await Promise.all(Array.from({ length: 50 }, () => fetch(url).then(async (r) => [r.status, await r.text()])));
      assert.equal(runs, 1);
      assert.ok(answers.every(([status, body]) => status === 200 && body === 'ok'));
      await fetch(url).then((r) => r.text());
      assert.equal(runs, 2, 'a request after the run finished starts a new run (cacheMs 0)');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('reuses a finished result for cacheMs, then runs again', async () => {
    let runs = 0;
    const probes = createProbes({ readiness: { db: { cacheMs: 80, run: () => void (runs += 1) } } });
    await probes.check('readiness');
    await probes.check('readiness');
    assert.equal(runs, 1);
    await sleep(100);
    await probes.check('readiness');
    assert.equal(runs, 2);
  });

  it('runs the checks of one probe concurrently', async () => {
    const events: string[] = [];
    const slow = (name: string) => async () => {
      events.push(`start ${name}`);
      await sleep(50);
      events.push(`end ${name}`);
    };
    const probes = createProbes({ readiness: { a: slow('a'), b: slow('b') } });
    await probes.check('readiness');
    assert.deepEqual(events.slice(0, 2).sort(), ['start a', 'start b']);
  });

  it('never runs readiness checks for liveness', async () => {
    let readinessRuns = 0;
    let livenessRuns = 0;
    const probes = createProbes({
      readiness: { db: () => void (readinessRuns += 1) },
      liveness: { loop: () => void (livenessRuns += 1) },
    });
    await probes.check('liveness');
    assert.equal(readinessRuns, 0);
    assert.equal(livenessRuns, 1);
  });

  it('defaults startup to the readiness checks, sharing their runs, and latches once passed', async () => {
    let runs = 0;
    let up = false;
    const probes = createProbes({
      readiness: {
        db: async () => {
          runs += 1;
          await sleep(20);
          if (!up) throw new Error('down');
        },
      },
    });
    const [ready, startup] = await Promise.all([probes.check('readiness'), probes.check('startup')]);
    assert.equal(runs, 1, 'one in-flight run serves both probes');
    assert.equal(ready.status, 'fail');
    assert.equal(startup.status, 'fail');
    up = true;
    assert.equal((await probes.check('startup')).status, 'pass');
    up = false;
    assert.equal((await probes.check('startup')).status, 'pass', 'startup stays passed');
    assert.equal((await probes.check('readiness')).status, 'fail', 'readiness does not latch');
  });

  it('uses its own startup checks when given', async () => {
    const probes = createProbes({ readiness: { db: () => {} }, startup: { migrations: () => {} } });
    assert.deepEqual((await probes.check('startup')).checks.map((c) => c.name), ['migrations']);
  });

  it('turns sync throws, rejections with non-errors and error codes into short reasons', async () => {
    const probes = createProbes({
      readiness: {
        sync: () => {
          throw new Error('boom\n  at line two');
        },
        str: () => Promise.reject('plain string'),
        code: () => Promise.reject(Object.assign(new Error(''), { code: 'ECONNRESET' })),
        long: () => Promise.reject(new Error('x'.repeat(1000))),
      },
    });
    const reasons = Object.fromEntries((await probes.check('readiness')).checks.map((c) => [c.name, c.reason]));
    assert.equal(reasons.sync, 'boom at line two');
    assert.equal(reasons.str, 'plain string');
    assert.equal(reasons.code, 'ECONNRESET');
    assert.ok(reasons.long!.length <= 200 && reasons.long!.endsWith('…'));
  });

  it('logs a check only when its state changes, never its first pass, always redacted', async () => {
    const logger = recordingLogger();
    let up = true;
    const probes = createProbes({
      logger,
      readiness: {
        db: () => {
          if (!up) throw new Error('connect postgres://u:pw-secret@db/x failed');
        },
      },
    });
    await probes.check('readiness');
    assert.deepEqual(logger.lines, [], 'first pass is not logged');
    up = false;
    await probes.check('readiness');
    await probes.check('readiness');
    await probes.check('readiness');
    assert.deepEqual(logger.lines, ['warn shipshape: check "db" failed: connect postgres://***@db/x failed']);
    up = true;
    await probes.check('readiness');
    await probes.check('readiness');
    assert.deepEqual(logger.lines.slice(1), ['info shipshape: check "db" passed again']);
  });

  it('logs a first result that fails', async () => {
    const logger = recordingLogger();
    const probes = createProbes({ logger, readiness: { db: () => Promise.reject(new Error('down')) } });
    await probes.check('readiness');
    assert.deepEqual(logger.lines, ['warn shipshape: check "db" failed: down']);
  });

  it('calls every check close() once from probes.close(), and close() is idempotent', async () => {
    let closed = 0;
    const shared = { run: () => {}, close: () => void (closed += 1) };
    const probes = createProbes({ readiness: { a: shared }, startup: { a: shared }, liveness: { b: { run: () => {}, close: () => void (closed += 10) } } });
    await Promise.all([probes.close(), probes.close()]);
    await probes.close();
    assert.equal(closed, 11);
  });

  it('keeps closing when one close() throws', async () => {
    let closed = false;
    const probes = createProbes({
      readiness: {
        a: { run: () => {}, close: () => { throw new Error('x'); } },
        b: { run: () => {}, close: async () => { closed = true; } },
      },
    });
    await probes.close();
    assert.equal(closed, true);
  });
});
