/**
 * Real-socket failure injection: a port that refuses, and a blackhole that accepts
 * connections and never answers (the worst case for a probe: no error, just silence);
 * raw requests, and what a probe whose write fails must do.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import net from 'node:net';

/** A TCP port on 127.0.0.1 with nothing listening (bound once, then released). */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Blackhole {
  readonly port: number;
  /** Connections currently open on the server side. */
  openConnections(): number;
  /** Connections accepted so far. */
  acceptedConnections(): number;
  /** Resolves when every accepted connection has been closed by the client, or rejects after `timeoutMs`. */
  waitForAllClosed(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1 that accepts connections, reads what they send and never answers. */
export async function startBlackhole(): Promise<Blackhole> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    openConnections: () => sockets.size,
    acceptedConnections: () => accepted,
    waitForAllClosed: (timeoutMs = 2000) => waitUntilClosed(sockets, 'the blackhole', timeoutMs),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves once `sockets` is empty (sockets delete themselves on close), or rejects after `timeoutMs`. */
export async function waitUntilClosed(sockets: ReadonlySet<net.Socket>, where: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (sockets.size > 0) {
    if (Date.now() > deadline) throw new Error(`${sockets.size} connection(s) still open on ${where}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * TCP connections ESTABLISHED on the server side of local `port`, read from the kernel's
 * tables (/proc/net/tcp and tcp6): how many clients a server of any kind holds, without
 * asking the server (and without an asking connection to subtract).
 */
export async function establishedConnections(port: number): Promise<number> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      // state 01 is TCP_ESTABLISHED (include/net/tcp_states.h)
      if (state === '01' && local?.endsWith(`:${hexPort}`)) count += 1;
    }
  }
  return count;
}

/** Sends `request` as written on a new connection to 127.0.0.1:`port` and resolves with everything read until the socket closes (a reset included). */
export function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    socket.on('close', () => resolve(data));
    socket.on('error', () => {}); // a destroyed socket may reach the client as a reset
  });
}

/**
 * For a server on `port` where something else has already sent a `200` for `/livez`
 * before the probe answers: the probe's write fails, the socket is dropped, and no
 * unhandled rejection is raised (which would end the app).
 */
export async function assertFailedProbeWriteIsContained(port: number): Promise<void> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const answer = await rawRequest(port, 'GET /livez HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(answer, /^HTTP\/1.1 200 OK/);
    assert.doesNotMatch(answer, /\r\n\r\nok$/, 'the probe body never went out');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
}
