/**
 * probes.subscribe() (SPEC §7): one event per finished run of a check however many requests
 * shared it, state events, and listeners that cannot hurt a probe or each other.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProbes, InvalidOptionError, NotReady, type CheckEvent } from '../../src/index.js';
import { nodeTransport } from '../_helpers/http.js';
import { nextRun, recordEvents } from '../_helpers/probe-events.js';

function recordingLogger() {
  const lines: string[] = [];
  return { lines, info: (m: string) => void lines.push(`info ${m}`), warn: (m: string) => void lines.push(`warn ${m}`), error: (m: string) => void lines.push(`error ${m}`) };
}

const checkEvents = (events: readonly { type: string }[]): CheckEvent[] => events.filter((e): e is CheckEvent => e.type === 'check');

describe('probes.subscribe: check events', () => {
  it('sends one event per run under a storm of 300 requests in waves, however many shared the run', async () => {
    let runs = 0;
    const probes = createProbes({ readiness: { db: async () => void ((runs += 1), await sleep(30)) } });
    const { events, stop } = recordEvents(probes);
    const transport = await nodeTransport(probes);
    try {
      for (let wave = 0; wave < 3; wave += 1) {
        const answers = await Promise.all(Array.from({ length: 100 }, () => transport.request('/readyz')));
        assert.ok(answers.every((answer) => answer.status === 200));
      }
      assert.ok(runs >= 3 && runs < 300, `${runs} runs`);
      assert.equal(events.length, runs);
      const [first, second] = checkEvents(events);
      assert.deepEqual(Object.keys(first!).sort(), ['durationMs', 'name', 'previous', 'probes', 'status', 'time', 'timedOut', 'type']);
      assert.deepEqual([first!.type, first!.name, first!.probes, first!.status, first!.previous, first!.timedOut], ['check', 'db', ['readiness', 'startup'], 'pass', undefined, false]);
      assert.ok(first!.time instanceof Date && first!.durationMs >= 25, `${first!.durationMs} ms`);
      assert.equal(second!.previous, 'pass');
    } finally {
      stop();
      await transport.close();
    }
  });

  it('sends one event per background run while 200 requests at a time read its result', async () => {
    let runs = 0;
    const probes = createProbes({ readiness: { db: { intervalMs: 20, run: async () => void ((runs += 1), await sleep(5)) } } });
    const { events, stop } = recordEvents(probes);
    const transport = await nodeTransport(probes);
    try {
      const until = Date.now() + 500;
      while (Date.now() < until) await Promise.all(Array.from({ length: 200 }, () => transport.request('/readyz')));
      await probes.close();
      await sleep(20); // a run in progress at close() still finishes, and is one event
      assert.ok(runs >= 2, `${runs} runs`);
      assert.equal(events.length, runs);
    } finally {
      stop();
      await transport.close();
      await probes.close();
    }
  });

  it('says fail with the reason, warn for a non-critical check, and timedOut at a timeout', async () => {
    const shared = (): void => {};
    const probes = createProbes({
      liveness: { shared },
      readiness: {
        shared,
        down: () => Promise.reject(new NotReady('queue: not connected')),
        optional: { critical: false, run: () => Promise.reject(new Error('cache slow')) },
        hang: { timeoutMs: 30, run: () => new Promise(() => {}) },
      },
    });
    const { events, stop } = recordEvents(probes);
    await probes.check('readiness');
    stop();
    const byName = Object.fromEntries(checkEvents(events).map((e) => [e.name, e]));
    assert.deepEqual(byName.shared?.probes, ['liveness', 'readiness', 'startup']);
    assert.deepEqual([byName.down?.status, byName.down?.reason, byName.down?.timedOut], ['fail', 'queue: not connected', false]);
    assert.deepEqual([byName.optional?.status, byName.optional?.reason], ['warn', 'cache slow']);
    assert.deepEqual([byName.hang?.status, byName.hang?.reason, byName.hang?.timedOut], ['fail', 'timed out after 30 ms', true]);
  });

  it('gives previous as the status of the check’s last run', async () => {
    let up = false;
    const probes = createProbes({ readiness: { db: () => { if (!up) throw new Error('down'); } } });
    const { events, stop } = recordEvents(probes);
    await probes.check('readiness');
    up = true;
    await probes.check('readiness');
    await probes.check('readiness');
    stop();
    assert.deepEqual(checkEvents(events).map((e) => [e.previous, e.status]), [[undefined, 'fail'], ['fail', 'pass'], ['pass', 'pass']]);
  });
});

describe('probes.subscribe: state events', () => {
  it('sends ready, draining and broken once per change, with the redacted reason', async () => {
    const probes = createProbes({ manualReady: true });
    const { events, stop } = recordEvents(probes);
    probes.markReady();
    probes.markReady();
    probes.drain();
    probes.drain();
    probes.markBroken('lost postgres://app:s3cret@db:5432/app');
    probes.markBroken('lost postgres://app:s3cret@db:5432/app');
    probes.markBroken(new Error('worker stuck'));
    stop();
    assert.deepEqual(
      events.map((e) => (e.type === 'state' ? [e.state, e.reason] : e.type)),
      [['ready', undefined], ['draining', undefined], ['broken', 'lost postgres://***@db:5432/app'], ['broken', 'worker stuck']],
    );
    assert.ok(events.every((e) => e.time instanceof Date));
    assert.ok(!('reason' in events[0]!), 'no reason key on a state without one');
  });

  it('sends nothing for markReady() when the app was ready from the start', () => {
    const probes = createProbes();
    const { events, stop } = recordEvents(probes);
    probes.markReady();
    stop();
    assert.deepEqual(events, []);
  });
});

describe('probes.subscribe: listeners', () => {
  it('isolates a listener that throws or rejects: logged, the probe and the other listeners unaffected', async () => {
    const logger = recordingLogger();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const probes = createProbes({ logger, readiness: { db: () => {} } });
      probes.subscribe(() => {
        throw new Error('listener bug with redis://:hunter2@cache:6379');
      });
      probes.subscribe(async () => {
        throw new Error('async listener bug');
      });
      const { events, stop } = recordEvents(probes);
      const report = await probes.check('readiness');
      probes.drain();
      await sleep(10);
      stop();
      assert.equal(report.status, 'pass');
      assert.deepEqual(events.map((e) => e.type), ['check', 'state']);
      assert.deepEqual(logger.lines.sort(), [
        'error shipshape: a probes.subscribe() listener threw: async listener bug',
        'error shipshape: a probes.subscribe() listener threw: async listener bug',
        'error shipshape: a probes.subscribe() listener threw: listener bug with redis://***@cache:6379',
        'error shipshape: a probes.subscribe() listener threw: listener bug with redis://***@cache:6379',
      ]);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('unsubscribes once per subscription, idempotently; the same function twice gets each event twice', async () => {
    const probes = createProbes({ readiness: { db: () => {} } });
    const seen: string[] = [];
    const listener = (event: { type: string }): void => void seen.push(event.type);
    const first = probes.subscribe(listener);
    const second = probes.subscribe(listener);
    await probes.check('readiness');
    assert.equal(seen.length, 2);
    first();
    first();
    await probes.check('readiness');
    assert.equal(seen.length, 3);
    second();
    await probes.check('readiness');
    assert.equal(seen.length, 3);
  });

  it('lets a listener unsubscribe itself while an event is delivered, without skipping the next listener', async () => {
    const probes = createProbes({ readiness: { db: { run: () => {}, intervalMs: 60_000 } } });
    const order: string[] = [];
    const first = probes.subscribe(() => void (order.push('first'), first()));
    probes.subscribe(() => void order.push('second'));
    await nextRun(probes, 'db');
    await probes.close();
    assert.deepEqual(order, ['first', 'second']);
  });

  it('refuses a listener that is not a function', () => {
    const probes = createProbes();
    assert.throws(() => probes.subscribe('log' as never), (error: unknown) => error instanceof InvalidOptionError && /`listener` to be a function/.test((error as Error).message));
  });
});
