/**
 * `controller.signal` (src/core/shutdown/graceful-shutdown.ts): it aborts when the servers
 * stop accepting, so a server-sent-events stream and a long poll end themselves on it and
 * the shutdown waits for them like any request in flight. The client is undici's fetch.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { ShutdownController } from '../../../src/core/shutdown/graceful-shutdown.js';
import { inProcess, sleep } from '../../_helpers/shutdown.js';

describe('gracefulShutdown: streaming responses', () => {
  it('aborts controller.signal after delayMs: an SSE stream and a long poll end cleanly, and the shutdown waits for them (exit 0)', async () => {
    let controller!: ShutdownController;
    const server = http.createServer((req, res) => {
      const { signal } = controller;
      if (req.url === '/events') {
        // server-sent events (HTML Living Standard §9.2): one tick every 50 ms until shutdown
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        const timer = setInterval(() => res.write('data: tick\n\n'), 50);
        signal.addEventListener('abort', () => {
          clearInterval(timer);
          setTimeout(() => res.end('event: bye\ndata: shutting down\n\n'), 100); // a last word, a little later
        }, { once: true });
        return;
      }
      // a long poll: nothing to say until shutdown, then 204
      signal.addEventListener('abort', () => res.writeHead(204).end(), { once: true });
    });
    controller = inProcess(server, { delayMs: 400, timeoutMs: 5000 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const events = await fetch(`${base}/events`);
    const poll = fetch(`${base}/poll`);
    await sleep(120);
    const signalled = performance.now();
    const code = controller.shutdown();
    await sleep(100);
    assert.equal(controller.signal.aborted, false, 'aborted during the delay');
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of events.body!) text += decoder.decode(chunk, { stream: true }); // throws if the stream is cut
    const ended = performance.now() - signalled;
    assert.ok(controller.signal.aborted);
    assert.ok(ended >= 400, `the stream ended ${Math.round(ended)} ms after the signal, before delayMs`);
    assert.ok(ended < 400 + 100 + 1500, `the stream ended ${Math.round(ended)} ms after the signal`);
    assert.match(text, /^(data: tick\n\n)+event: bye\ndata: shutting down\n\n$/);
    assert.equal(events.headers.get('connection'), 'keep-alive'); // its headers went out before the signal
    assert.equal((await poll).status, 204);
    assert.equal((await poll).headers.get('connection'), 'close');
    assert.equal(await code, 0);
  });
});
