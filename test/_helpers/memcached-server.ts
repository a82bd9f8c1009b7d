/**
 * A throwaway memcached on a spare port of 127.0.0.1, for restart and "one node down"
 * tests. Always `kill()` it in `after`.
 */
import { ChildServer } from './redis-server.js';
import { refusedPort } from './sockets.js';

/** Starts `memcached` (Debian's `/usr/bin/memcached`) on a spare port. */
export async function startMemcachedServer(): Promise<ChildServer> {
  const port = await refusedPort();
  const args = ['-u', 'root', '-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '16'];
  const server = new ChildServer('memcached', args, port);
  await server.start();
  return server;
}
