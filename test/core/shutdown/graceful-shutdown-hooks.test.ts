/**
 * gracefulShutdown after the server has closed: the onShutdown hooks in order (each bounded
 * by hookTimeoutMs), probes.close(), the exit code, idempotence and the signal listeners.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProbes } from '../../../src/core/probes.js';
import { gracefulShutdown } from '../../../src/core/shutdown/graceful-shutdown.js';
import { capture, inProcess, sleep, startServer } from '../../_helpers/shutdown.js';

describe('gracefulShutdown: hooks, probes and exit', () => {
  it('runs the hooks in order after the server has closed, then closes the probes', async () => {
    const order: string[] = [];
    const probes = createProbes();
    const close = probes.close.bind(probes);
    Object.assign(probes, { close: () => (order.push('probes.close'), close()) });
    const { server } = await startServer(probes);
    const code = await inProcess(server, {
      probes,
      delayMs: 10,
      onShutdown: [() => order.push(`first listening=${server.listening}`), async () => (await sleep(20), order.push('second'))],
    }).shutdown();
    assert.equal(code, 0);
    assert.deepEqual(order, ['first listening=false', 'second', 'probes.close']);
  });

  it('cuts a hanging hook at hookTimeoutMs, aborts its signal, runs the next hook and exits 1', async () => {
    const { lines, logger } = capture();
    let aborted = false;
    let nextRan = false;
    const started = performance.now();
    const code = await inProcess(null, {
      delayMs: 0,
      hookTimeoutMs: 200,
      logger,
      onShutdown: [
        function hangs(signal) {
          signal.addEventListener('abort', () => (aborted = true));
          return new Promise(() => {});
        },
        () => (nextRan = true),
      ],
    }).shutdown();
    const elapsed = performance.now() - started;
    assert.equal(code, 1);
    assert.ok(aborted && nextRan);
    assert.ok(elapsed >= 200 && elapsed < 200 + 100, `took ${Math.round(elapsed)} ms`);
    assert.ok(lines.includes('error shutdown: onShutdown hook #1 (hangs) timed out after 200 ms'), lines.join('\n'));
  });

  it('exits 1 when a hook throws, and logs its redacted reason', async () => {
    const { lines, logger } = capture();
    const code = await inProcess(null, { delayMs: 0, logger, onShutdown: () => Promise.reject(new Error('connect postgres://u:hunter2@db/x failed')) }).shutdown();
    assert.equal(code, 1);
    const line = lines.find((l) => l.startsWith('error shutdown: onShutdown hook #1 failed'));
    assert.ok(line && !line.includes('hunter2'), lines.join('\n'));
  });

  it('calls exit with the code, or leaves it to the caller with exit: false', async () => {
    const codes: number[] = [];
    const controller = gracefulShutdown(null, { signals: [], delayMs: 0, exit: (code) => codes.push(code) });
    assert.equal(await controller.shutdown(), 0);
    assert.deepEqual(codes, [0]);
    const quiet = gracefulShutdown(null, { signals: [], delayMs: 0, exit: false, onShutdown: () => { throw new Error('x'); } });
    assert.equal(await quiet.shutdown(), 1);
    assert.equal(await quiet.done, 1);
  });

  it('is idempotent: a second shutdown() returns the same run', async () => {
    let runs = 0;
    const controller = inProcess(null, { delayMs: 20, onShutdown: () => (runs += 1) });
    const [a, b] = await Promise.all([controller.shutdown(), controller.shutdown('again')]);
    assert.deepEqual([a, b, runs], [0, 0, 1]);
  });

  it('removes its signal listeners after the shutdown and on dispose()', async () => {
    const before = [process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')];
    const first = gracefulShutdown(null, { delayMs: 0, exit: false });
    assert.deepEqual([process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')], [before[0]! + 1, before[1]! + 1]);
    await first.shutdown();
    assert.deepEqual([process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')], before);
    const second = gracefulShutdown(null, { signals: ['SIGTERM'], exit: false });
    assert.equal(process.listenerCount('SIGTERM'), before[0]! + 1);
    second.dispose();
    assert.deepEqual([process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')], before);
  });
});
