/**
 * probes.snapshot() (SPEC §7): the latest known state without running anything; a check that
 * has not run yet is unknown; each probe's status from its checks and the state lines.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProbes } from '../../src/index.js';

describe('probes.snapshot', () => {
  it('runs nothing: every check unknown before its first run, with the probes listing it', () => {
    let runs = 0;
    const count = (): void => void (runs += 1);
    const probes = createProbes({ liveness: { loop: count }, readiness: { db: () => void (runs += 1) }, startup: { migrations: () => void (runs += 1) } });
    for (let i = 0; i < 100; i += 1) probes.snapshot();
    const snapshot = probes.snapshot();
    assert.equal(runs, 0);
    assert.ok(snapshot.time instanceof Date);
    assert.deepEqual(
      { ...snapshot, time: undefined },
      {
        time: undefined,
        ready: true,
        draining: false,
        probes: { liveness: 'unknown', readiness: 'unknown', startup: 'unknown' },
        checks: {
          loop: { probes: ['liveness'], status: 'unknown' },
          db: { probes: ['readiness'], status: 'unknown' },
          migrations: { probes: ['startup'], status: 'unknown' },
        },
      },
    );
  });

  it('gives each check’s latest result (a cached result past cacheMs too) and each probe’s status from them', async () => {
    let up = true;
    const probes = createProbes({
      liveness: { loop: () => {} },
      readiness: {
        db: { cacheMs: 1, run: () => { if (!up) throw new Error('db down'); } },
        cache: { critical: false, run: () => Promise.reject(new Error('cache slow')) },
        queue: () => {},
      },
    });
    await probes.check('liveness');
    await probes.check('readiness', { exclude: ['queue'] });
    await sleep(5); // past db's cacheMs
    const first = probes.snapshot();
    assert.deepEqual(first.probes, { liveness: 'pass', readiness: 'unknown', startup: 'unknown' });
    assert.equal(first.checks.db?.status, 'pass');
    assert.ok(first.checks.db?.time instanceof Date && typeof first.checks.db.durationMs === 'number');
    assert.deepEqual([first.checks.cache?.status, first.checks.cache?.reason], ['warn', 'cache slow']);
    assert.equal('reason' in first.checks.db!, false);
    await probes.check('readiness');
    assert.deepEqual(probes.snapshot().probes, { liveness: 'pass', readiness: 'warn', startup: 'warn' });
    up = false;
    await sleep(5);
    await probes.check('readiness');
    const down = probes.snapshot();
    assert.deepEqual([down.probes.readiness, down.checks.db?.status, down.checks.db?.reason], ['fail', 'fail', 'db down']);
  });

  it('fails a probe on a failing check even while another is unknown', async () => {
    const probes = createProbes({ readiness: { down: () => Promise.reject(new Error('no')), later: () => {} } });
    await probes.check('readiness', { exclude: ['later'] });
    assert.equal(probes.snapshot().probes.readiness, 'fail');
  });

  it('reads the state lines: starting, draining, broken', async () => {
    const probes = createProbes({ manualReady: true });
    assert.deepEqual(probes.snapshot().probes, { liveness: 'pass', readiness: 'fail', startup: 'fail' });
    probes.markReady();
    assert.deepEqual(probes.snapshot().probes, { liveness: 'pass', readiness: 'pass', startup: 'pass' });
    probes.drain();
    let snapshot = probes.snapshot();
    assert.deepEqual([snapshot.ready, snapshot.draining, snapshot.probes.readiness, snapshot.probes.liveness], [true, true, 'fail', 'pass']);
    assert.equal('broken' in snapshot, false);
    probes.markBroken('worker stuck');
    snapshot = probes.snapshot();
    assert.deepEqual([snapshot.broken, snapshot.probes.liveness], ['worker stuck', 'fail']);
  });

  it('keeps startup pass once latched', async () => {
    let up = true;
    const probes = createProbes({ readiness: { db: () => { if (!up) throw new Error('down'); } } });
    await probes.check('startup');
    up = false;
    await probes.check('readiness');
    assert.deepEqual(probes.snapshot().probes, { liveness: 'pass', readiness: 'fail', startup: 'pass' });
  });

  it('shows a run still hanging after its timeout as a failure, as a probe request would', async () => {
    const probes = createProbes({ readiness: { hang: { timeoutMs: 20, run: () => new Promise(() => {}) } } });
    await probes.check('readiness');
    const snapshot = probes.snapshot();
    assert.equal(snapshot.checks.hang?.status, 'fail');
    assert.match(snapshot.checks.hang?.reason ?? '', /still pending after its 20 ms timeout/);
  });

  it('keys checks by name as own properties, __proto__ included', async () => {
    const probes = createProbes({ readiness: Object.fromEntries([['__proto__', () => {}]]) });
    await probes.check('readiness');
    const { checks } = probes.snapshot();
    assert.ok(Object.hasOwn(checks, '__proto__'));
    assert.equal(JSON.parse(JSON.stringify(checks)).__proto__.status, 'pass');
  });
});
