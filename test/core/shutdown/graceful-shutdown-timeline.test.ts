/**
 * gracefulShutdown's timeline on a real node:http server: readiness fails at once, liveness
 * stays 200, `Connection: close` during the delay, in-flight requests finish, hanging ones
 * are destroyed at timeoutMs, idle and silent sockets hold nothing.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { describe, it } from 'node:test';
import { createProbes } from '../../../src/core/probes.js';
import { capture, get, inProcess, sleep, startServer } from '../../_helpers/shutdown.js';

describe('gracefulShutdown: the timeline', () => {
  it('fails readiness at once, keeps liveness 200 and answers with Connection: close during the delay', async () => {
    const probes = createProbes();
    const { server, base } = await startServer(probes);
    const agent = new http.Agent({ keepAlive: true });
    try {
      assert.equal((await get(base, '/work', agent)).connection, 'keep-alive');
      const controller = inProcess(server, { probes, delayMs: 400, timeoutMs: 2000 });
      const done = controller.shutdown();
      const ready = await get(base, '/readyz');
      assert.equal(ready.status, 503);
      assert.match(ready.body, /^\[-\]shutdown failed: draining$/m);
      const live = await get(base, '/livez', agent);
      assert.deepEqual([live.status, live.body, live.connection], [200, 'ok', 'close']);
      const work = await get(base, '/work', agent);
      assert.deepEqual([work.status, work.connection], [200, 'close']);
      assert.equal(await done, 0);
    } finally {
      agent.destroy();
      server.closeAllConnections();
    }
  });

  it('lets a request in flight when the server stops accepting finish, with Connection: close, and exits 0', async () => {
    const { server, base } = await startServer();
    const started = get(base, '/work?ms=400');
    await sleep(50);
    const controller = inProcess(server, { delayMs: 50, timeoutMs: 5000 });
    const code = controller.shutdown();
    const answer = await started;
    assert.deepEqual([answer.status, answer.body, answer.connection], [200, 'done', 'close']);
    assert.equal(await code, 0);
    assert.equal(server.listening, false);
  });

  it('closes the socket of a response whose headers went out before the signal as soon as it ends', async () => {
    const { server, base } = await startServer();
    const agent = new http.Agent({ keepAlive: true });
    try {
      const streaming = get(base, '/stream?ms=300', agent);
      await sleep(50);
      const started = performance.now();
      const code = await inProcess(server, { delayMs: 10, timeoutMs: 5000 }).shutdown();
      assert.equal((await streaming).body, 'part end');
      assert.equal(code, 0);
      assert.ok(performance.now() - started < 1500, 'the finished keep-alive socket held shutdown');
    } finally {
      agent.destroy();
    }
  });

  it('destroys a request that hangs past timeoutMs and exits 1', async () => {
    const { lines, logger } = capture();
    const { server, base } = await startServer();
    const hanging = get(base, '/hang').then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    await sleep(50);
    const started = performance.now();
    const code = await inProcess(server, { delayMs: 10, timeoutMs: 300, logger }).shutdown();
    const elapsed = performance.now() - started;
    assert.equal(code, 1);
    assert.equal(await hanging, 'ECONNRESET');
    assert.ok(elapsed >= 300 && elapsed < 300 + 10 + 200, `took ${Math.round(elapsed)} ms`);
    assert.ok(lines.some((l) => /^warn shutdown: http server still open after 300 ms: destroyed 1 connection/.test(l)), lines.join('\n'));
  });

  it('is not held by an idle keep-alive connection nor by a socket that connected and never sent a byte', async () => {
    const { server, base } = await startServer();
    const agent = new http.Agent({ keepAlive: true });
    await get(base, '/work', agent); // leaves one idle keep-alive socket in the agent
    const silent = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => silent.once('connect', resolve));
    const silentClosed = new Promise((resolve) => silent.once('close', resolve));
    silent.on('error', () => {});
    try {
      const started = performance.now();
      const code = await inProcess(server, { delayMs: 10, timeoutMs: 10_000 }).shutdown();
      assert.equal(code, 0);
      assert.ok(performance.now() - started < 1000, `took ${Math.round(performance.now() - started)} ms`);
      await silentClosed;
    } finally {
      agent.destroy();
      silent.destroy();
    }
  });
});
