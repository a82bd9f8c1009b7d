/**
 * gracefulShutdown with `websockets: wss` (src/core/shutdown/websockets/ws.ts), with the
 * `ws` client: every client is closed with 1001 when the server stops accepting, not
 * before, and the shutdown waits for those closes.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { WebSocketServer } from 'ws';
import { createProbes } from '../../../../src/core/probes.js';
import { inProcess, sleep } from '../../../_helpers/shutdown.js';
import { echoServer, wsClient } from '../../../_helpers/websockets.js';

describe('gracefulShutdown: ws servers', () => {
  it('keeps clients open during the delay, then closes every one with 1001 and exits 0 once they have closed', async () => {
    const probes = createProbes();
    const { server, wss, wsBase } = await echoServer();
    const controller = inProcess(server, { probes, websockets: wss, delayMs: 300, timeoutMs: 5000 });
    const clients = await Promise.all([1, 2, 3].map(() => wsClient(wsBase)));
    try {
      const signalled = performance.now();
      const code = controller.shutdown();
      await sleep(100);
      // during the delay: open, and served
      assert.deepEqual(await Promise.all(clients.map((client) => client.echo('still here'))), ['still here', 'still here', 'still here']);
      const closes = await Promise.all(clients.map((client) => client.closed));
      assert.ok(performance.now() - signalled >= 300, 'a client was closed before the servers stopped accepting');
      assert.deepEqual(closes, clients.map(() => ({ code: 1001, reason: 'server shutting down' })));
      assert.equal(await code, 0);
      assert.equal(server.listening, false);
      assert.equal(wss.clients.size, 0);
    } finally {
      for (const client of clients) client.ws.terminate();
      wss.close();
    }
  });

  it('a noServer WebSocketServer without clientTracking, on a path: its clients too, one connected during the delay included', async () => {
    const server = http.createServer();
    const wss = new WebSocketServer({ noServer: true, clientTracking: false, path: '/live' });
    server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
    const controller = inProcess(server, { websockets: [wss], delayMs: 200, timeoutMs: 5000 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/live`;
    const clients = [await wsClient(url)];
    try {
      const code = controller.shutdown();
      clients.push(await wsClient(url)); // during the delay
      assert.deepEqual(
        (await Promise.all(clients.map((client) => client.closed))).map((closed) => closed.code),
        [1001, 1001],
      );
      assert.equal(await code, 0);
    } finally {
      for (const client of clients) client.ws.terminate();
    }
  });

  it('a WebSocketServer on its own port with no http server given (server null): its clients are closed with 1001 all the same', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => wss.once('listening', resolve));
    const controller = inProcess(null, { websockets: wss, delayMs: 10, timeoutMs: 5000 });
    const client = await wsClient(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    try {
      const code = controller.shutdown();
      assert.equal((await client.closed).code, 1001);
      assert.equal(await code, 0);
    } finally {
      client.ws.terminate();
      wss.close();
    }
  });
});
