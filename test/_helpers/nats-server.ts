/**
 * A throwaway `nats-server` on a spare port of 127.0.0.1 (no JetStream, no persistence),
 * optionally requiring a user and password or a token, for restart, hang and credential
 * tests. Always `kill()` it in `after`.
 */
import { ChildServer } from './child-server.js';
import { refusedPort } from './sockets.js';

export interface NatsServerOptions {
  readonly user?: { readonly name: string; readonly password: string };
  readonly token?: string;
  /** The port (a spare one by default): a test may wait for it before the server starts. */
  readonly port?: number;
}

/** Starts Debian's `nats-server` on a spare port. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<ChildServer> {
  const port = options.port ?? (await refusedPort());
  const args = ['-a', '127.0.0.1', '-p', String(port)];
  if (options.user) args.push('--user', options.user.name, '--pass', options.user.password);
  if (options.token) args.push('--auth', options.token);
  const server = new ChildServer('nats-server', args, port);
  await server.start();
  return server;
}
