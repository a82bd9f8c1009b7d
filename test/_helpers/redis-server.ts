/**
 * Throwaway redis-servers for the redis tests (restarts, passwords, TLS, a paused
 * server), and what they tell about their clients.
 */
import { Redis } from 'ioredis';
import { ChildServer } from './child-server.js';
import { refusedPort } from './sockets.js';

export { ChildServer } from './child-server.js';

export interface RedisServerOptions {
  readonly requirepass?: string;
  /** PEM files: the server then speaks TLS only, on `port`. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

/** Starts a throwaway `redis-server` on a spare port (no persistence), optionally with a password or TLS. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<ChildServer> {
  const port = await refusedPort();
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
  if (options.tls) {
    const { cert, key } = options.tls;
    args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', cert, '--tls-key-file', key);
    args.push('--tls-ca-cert-file', cert, '--tls-auth-clients', 'no');
  } else {
    args.push('--port', String(port));
  }
  if (options.requirepass) args.push('--requirepass', options.requirepass);
  const server = new ChildServer('redis-server', args, port);
  await server.start();
  return server;
}

/** Open client connections on a redis-server, the asking one excluded. */
export async function redisClientCount(port: number): Promise<number> {
  const admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  await admin.connect();
  const list = (await admin.client('LIST')) as string;
  await admin.quit();
  return list.trim().split('\n').length - 1;
}

/** Makes a redis-server hold every command for `ms` (a hung server, for real). */
export async function pauseRedisServer(port: number, ms: number): Promise<void> {
  const admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  await admin.connect();
  await admin.call('CLIENT', 'PAUSE', String(ms), 'ALL');
  admin.disconnect();
}
