/**
 * gracefulShutdown with `websockets: io` (src/core/shutdown/websockets/socket-io.ts), with
 * socket.io-client: every client is disconnected at the transport — `transport close`
 * (1001 on the WebSocket transport), never `io server disconnect` — and so sets out to
 * reconnect by itself; the shutdown waits for those closes.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { inProcess, sleep } from '../../../_helpers/shutdown.js';

interface Seen {
  reason: string;
  code: number | undefined;
  reconnecting: boolean;
}

/** A connected client and how its first disconnect went. */
async function client(base: string, transports: string[]): Promise<{ socket: Socket; disconnected: Promise<Seen> }> {
  const socket = connect(base, { transports, reconnectionDelay: 50, reconnectionDelayMax: 50 });
  const disconnected = new Promise<Seen>((resolve) => {
    socket.once('disconnect', (reason, details) => {
      const context = (details as { context?: { code?: number } } | undefined)?.context;
      // socket.active: the client will reconnect by itself (false after `io server disconnect`)
      resolve({ reason, code: context?.code, reconnecting: socket.active });
    });
  });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
  if (transports.includes('websocket') && socket.io.engine.transport.name !== 'websocket') await new Promise((resolve) => socket.io.engine.once('upgrade', resolve));
  return { socket, disconnected };
}

describe('gracefulShutdown: socket.io servers', () => {
  it('closes every client at the transport when the servers stop accepting: transport close, 1001, reconnecting; exits 0', async () => {
    const server = http.createServer((req, res) => res.end('done'));
    const io = new Server(server);
    io.on('connection', (socket) => socket.on('echo', (text: string, answer: (text: string) => void) => answer(text)));
    const controller = inProcess(server, { websockets: io, delayMs: 300, timeoutMs: 5000 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const clients = [await client(base, ['websocket']), await client(base, ['polling', 'websocket']), await client(base, ['polling'])];
    try {
      const signalled = performance.now();
      const code = controller.shutdown();
      await sleep(100);
      for (const { socket } of clients) assert.equal(await socket.timeout(1000).emitWithAck('echo', 'still here'), 'still here');
      const seen = await Promise.all(clients.map((one) => one.disconnected));
      assert.ok(performance.now() - signalled >= 300, 'a client was disconnected before the servers stopped accepting');
      assert.deepEqual(seen, [
        { reason: 'transport close', code: 1001, reconnecting: true },
        { reason: 'transport close', code: 1001, reconnecting: true },
        { reason: 'transport close', code: undefined, reconnecting: true },
      ]);
      assert.equal(await code, 0);
      assert.equal(io.engine.clientsCount, 0);
    } finally {
      for (const { socket } of clients) socket.disconnect();
      io.close();
    }
  });
});
