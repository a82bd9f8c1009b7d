/**
 * Real-socket failure injection: a port that refuses, and a blackhole that accepts
 * connections and never answers (the worst case for a probe: no error, just silence).
 */
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
