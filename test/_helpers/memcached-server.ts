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

/** `curr_connections` of a memcached, not counting the connection that asks. */
export async function memcachedConnections(port: number): Promise<number> {
  const socket = net.connect({ host: '127.0.0.1', port });
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.write('stats\r\n');
  while (!text.includes('END\r\n')) await new Promise((resolve) => setTimeout(resolve, 5));
  socket.destroy();
  return Number(/STAT curr_connections (\d+)/.exec(text)?.[1]) - 1;
}
