/**
 * A throwaway memcached on a spare port of 127.0.0.1, for restart and "one node down"
 * tests. Always `kill()` it in `after`.
 */
import net from 'node:net';
import { ChildServer } from './child-server.js';
import { refusedPort } from './sockets.js';

/** Starts `memcached` (Debian's `/usr/bin/memcached`) on a spare port. */
export async function startMemcachedServer(): Promise<ChildServer> {
  const port = await refusedPort();
  const args = ['-u', 'root', '-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '16'];
  const server = new ChildServer('memcached', args, port);
  await server.start();
  return server;
}

/**
 * `curr_connections` of a memcached, not counting the connection that asks. The asking
 * connection is kept (one a port, unref'd): a fresh one each time would be counted again
 * by the next read whenever memcached had not yet dropped it (it does so a moment after the
 * client closes), and a leak test would see a connection that is not there.
 */
export async function memcachedConnections(port: number): Promise<number> {
  // a server restarted since the last read closed the kept connection: ask once more
  const text = await askStats(port).catch(() => askStats(port));
  return Number(/STAT curr_connections (\d+)/.exec(text)?.[1]) - 1;
}

// --- internal ---

const askers = new Map<number, net.Socket>();

async function askStats(port: number): Promise<string> {
  let socket = askers.get(port);
  if (!socket || socket.destroyed) {
    socket = net.connect({ host: '127.0.0.1', port }).unref();
    socket.setEncoding('utf8');
    socket.on('error', () => {}); // a restarted server: the next read connects again
    const own = socket;
    socket.on('close', () => askers.get(port) === own && askers.delete(port));
    askers.set(port, socket);
  }
  let text = '';
  const onData = (chunk: string): void => {
    text += chunk;
  };
  socket.on('data', onData);
  socket.write('stats\r\n');
  try {
    for (const deadline = Date.now() + 5000; !text.includes('END\r\n'); ) {
      if (socket.destroyed || Date.now() > deadline) {
        askers.delete(port);
        socket.destroy();
        throw new Error(`memcached on port ${port} did not answer stats`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return text;
  } finally {
    socket.off('data', onData);
  }
}
