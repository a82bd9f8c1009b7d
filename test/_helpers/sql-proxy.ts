/**
 * A TCP proxy in front of a real database, for failures that a refused port or a
 * blackhole cannot stage: a connection that worked and then goes silent mid-query (a
 * network partition), seen from both ends. `freeze()` stops forwarding in both directions
 * without closing anything; `openConnections()` counts client connections still open.
 */
import net from 'node:net';
import { waitUntilClosed } from './sockets.js';

export interface SqlProxy {
  readonly port: number;
  /** Stops forwarding bytes (both ways); sockets stay open, as in a partition. */
  freeze(): void;
  /** Forwards again. */
  thaw(): void;
  /** Destroys every connection at once (a reset, as when the server or a middlebox dies). */
  reset(): void;
  /** Client-side connections currently open on the proxy. */
  openConnections(): number;
  /** Client connections accepted so far (a client that reuses its connection adds none). */
  acceptedConnections(): number;
  /** Resolves when every client connection has closed, or rejects after `timeoutMs`. */
  waitForAllClosed(timeoutMs?: number): Promise<void>;
  /**
   * Runs `run` during a partition (frozen), then waits until the client has closed every
   * connection through the proxy (within 500 ms) and forwards again.
   */
  partitioned<T>(run: () => Promise<T>): Promise<T>;
  /**
   * Starts `run` while frozen, resets every connection 50 ms later (the server or a
   * middlebox dies under a query in flight), and forwards again once `run` settled.
   */
  resetDuring<T>(run: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Starts the proxy on `listenPort` of 127.0.0.1 (0: a free one), forwarding to `targetHost:targetPort`. */
export async function startSqlProxy(targetPort: number, targetHost = '127.0.0.1', listenPort = 0): Promise<SqlProxy> {
  let frozen = false;
  let accepted = 0;
  const clients = new Set<net.Socket>();
  const upstreams = new Set<net.Socket>();
  const server = net.createServer((client) => {
    accepted += 1;
    clients.add(client);
    const upstream = net.connect({ host: targetHost, port: targetPort });
    upstreams.add(upstream);
    const forward = (from: net.Socket, to: net.Socket): void => {
      from.on('data', (chunk) => {
        if (!frozen) to.write(chunk);
      });
    };
    forward(client, upstream);
    forward(upstream, client);
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', () => {});
    upstream.on('error', () => {});
    client.on('close', () => {
      clients.delete(client);
      closeBoth();
    });
    upstream.on('close', () => {
      upstreams.delete(upstream);
      if (!frozen) closeBoth();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  const reset = (): void => {
    for (const socket of [...clients, ...upstreams]) socket.destroy();
  };
  const waitForAllClosed = (timeoutMs = 2000): Promise<void> => waitUntilClosed(clients, 'the proxy', timeoutMs);
  return {
    port,
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
    },
    reset,
    openConnections: () => clients.size,
    acceptedConnections: () => accepted,
    waitForAllClosed,
    async partitioned(run) {
      frozen = true;
      try {
        const result = await run();
        await waitForAllClosed(500);
        return result;
      } finally {
        frozen = false;
      }
    },
    async resetDuring(run) {
      frozen = true;
      try {
        const pending = run();
        await new Promise((resolve) => setTimeout(resolve, 50));
        reset();
        return await pending;
      } finally {
        frozen = false;
      }
    },
    async close() {
      for (const socket of [...clients, ...upstreams]) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
