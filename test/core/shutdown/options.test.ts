/**
 * gracefulShutdown's options (src/core/shutdown/options.ts): the grace-period budget warning
 * and the validation of every option.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebSocketServer } from 'ws';
import { gracefulShutdown } from '../../../src/core/shutdown/graceful-shutdown.js';
import type { ShutdownServer } from '../../../src/core/shutdown/options.js';
import { capture, inProcess, sleep } from '../../_helpers/shutdown.js';

describe('gracefulShutdown: options', () => {
  it('warns at start when delayMs + timeoutMs + hooks × hookTimeoutMs exceeds gracePeriodMs', async (t) => {
    const { lines, logger } = capture();
    inProcess(null, { delayMs: 5000, timeoutMs: 25_000, onShutdown: [() => {}], logger }).dispose();
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^warn shutdown: delayMs \+ timeoutMs \+ 1 × hookTimeoutMs = 35000 ms exceeds gracePeriodMs 30000 ms/);
    inProcess(null, { delayMs: 5000, timeoutMs: 20_000, onShutdown: [() => {}], logger }).dispose();
    assert.equal(lines.length, 1, 'no warning when it fits');

    t.plan(2);
    const onWarning = (warning: Error & { code?: string }): void => {
      t.assert.equal(warning.name, 'ShipshapeWarning');
      t.assert.equal(warning.code, 'SHIPSHAPE_GRACE_PERIOD');
    };
    process.on('warning', onWarning);
    try {
      inProcess(null, { timeoutMs: 30_000 }).dispose(); // no logger: process.emitWarning
      await sleep(10); // 'warning' is emitted on the next tick
    } finally {
      process.removeListener('warning', onWarning);
    }
  });

  it('rejects a bad server, signal, duration, hook, exit or option with a message naming it', () => {
    const cases: [ShutdownServer | unknown, Record<string, unknown>, RegExp][] = [
      [undefined, {}, /`server` to be an http2 server, an http\(s\)\.Server, a Fastify instance, a Bun\.serve\(\) server, a Deno\.serve\(\) server, a grpc-js Server, an object with close\(\) or null, or an array of them, got `undefined`/],
      [{}, {}, /`server`.*got an object/],
      [[null, 5], {}, /`server\[1\]` to be an http2 server, .* or null, got `5`/],
      [null, { websockets: {} }, /`websockets` to be a ws WebSocketServer or a socket\.io Server, or an array of them, got an object/],
      [null, { websockets: [new WebSocketServer({ noServer: true }), 'ws'] }, /`websockets\[1\]` to be a ws WebSocketServer or a socket\.io Server.*got `"ws"`/],
      [null, { signals: ['SIGTERMS'] }, /`signals` to hold signal names.*got `"SIGTERMS"`/],
      [null, { signals: ['SIGKILL'] }, /not SIGKILL or SIGSTOP/],
      [null, { signals: 'SIGTERM' }, /`signals` to be an array/],
      [null, { timeoutMs: 0 }, /`timeoutMs` to be a positive number/],
      [null, { delayMs: -1 }, /`delayMs` to be a number ≥ 0, got `-1`/],
      [null, { onShutdown: ['x'] }, /`onShutdown` to be a function or an array of functions/],
      [null, { exit: true }, /`exit` to be a function/],
      [null, { probes: {} }, /`probes` to be a createProbes\(\) result/],
      [null, { delay: 5 }, /Unknown option `delay`/],
    ];
    const listeners = process.listenerCount('SIGTERM');
    for (const [server, options, message] of cases) {
      assert.throws(() => gracefulShutdown(server as ShutdownServer, { exit: false, ...options }), (error: Error & { code?: string }) => {
        assert.ok(error instanceof TypeError);
        assert.equal(error.code, 'SHIPSHAPE_INVALID_OPTION');
        assert.match(error.message, message);
        return true;
      });
    }
    assert.equal(process.listenerCount('SIGTERM'), listeners, 'a rejected call leaves no listener behind');
  });
});
