/**
 * What src/core/shutdown/websockets.ts and the connection tracker do with upgraded
 * connections: an upgrade no given server owns is ended at stop, and what never closes is
 * destroyed at timeoutMs and counted (exit 1).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { capture, inProcess } from '../../_helpers/shutdown.js';
import { deafClient, echoServer, wsClient } from '../../_helpers/websockets.js';

describe('gracefulShutdown: upgraded connections', () => {
  it('ends an upgraded socket that no given WebSocket server owns at stop, and leaves the ones a given server owns to it', async () => {
    const { server, wss, wsBase } = await echoServer({ path: '/ws', raw: true });
    const controller = inProcess(server, { websockets: wss, delayMs: 10, timeoutMs: 5000 });
    const port = (server.address() as AddressInfo).port;
    const raw = await deafClient(port, '/raw');
    const owned = await wsClient(`${wsBase}/ws`);
    try {
      const code = controller.shutdown();
      await raw.ended; // a FIN, not a reset
      raw.socket.end();
      assert.equal((await owned.closed).code, 1001);
      assert.equal(await code, 0);
    } finally {
      raw.socket.destroy();
      owned.ws.terminate();
      wss.close();
    }
  });

  it('destroys at timeoutMs a WebSocket client that never answers the close frame and an upgraded socket that never closes, and exits 1', async () => {
    const { lines, logger } = capture();
    const { server, wss } = await echoServer({ path: '/ws', raw: true });
    const controller = inProcess(server, { websockets: wss, delayMs: 10, timeoutMs: 300, logger });
    const port = (server.address() as AddressInfo).port;
    const deaf = await deafClient(port, '/ws');
    const raw = await deafClient(port, '/raw');
    try {
      const started = performance.now();
      assert.equal(await controller.shutdown(), 1);
      assert.ok(performance.now() - started < 300 + 10 + 500);
      await Promise.all([deaf.ended, raw.ended]); // cut: the server's side is gone
      assert.ok(lines.some((line) => /still open after 300 ms: destroyed 2 connection\(s\)/.test(line)), lines.join('\n'));
    } finally {
      deaf.socket.destroy();
      raw.socket.destroy();
      wss.close();
    }
  });

  it('leaves upgrade requests to node when the app has no upgrade listener (served as plain requests)', async () => {
    const server = http.createServer((req, res) => res.end(`plain ${req.headers.upgrade}`));
    const controller = inProcess(server, { delayMs: 10, timeoutMs: 1000 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const answer = await new Promise<string>((resolve, reject) => {
      const request = http.get({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', headers: { connection: 'upgrade', upgrade: 'websocket' } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('close', () => resolve(body)); // no 'end' on a response to a request that asked to upgrade
      });
      request.on('upgrade', () => reject(new Error('upgraded')));
      request.on('error', reject);
    });
    try {
      assert.equal(answer, 'plain websocket');
      assert.equal(server.listenerCount('upgrade'), 0);
    } finally {
      await controller.shutdown();
    }
  });
});
