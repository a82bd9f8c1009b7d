/**
 * A PostgreSQL that is still starting up, as clients see it during crash recovery or right
 * after `pg_ctl start`: it accepts the connection, reads the startup packet and answers
 * `FATAL 57P03 the database system is starting up` (PostgreSQL's own ErrorResponse, as in
 * `ProcessStartupPacket`), then closes. After `finishStartup()` it forwards every new
 * connection to the real server. The bytes are the real protocol, read by the real `pg`.
 */
import net from 'node:net';
import { waitUntilClosed } from './sockets.js';

export interface StartingUpPostgres {
  readonly port: number;
  /** Connections answered with 57P03 so far. */
  refused(): number;
  /** From now on, forward connections to the real server. */
  finishStartup(): void;
  close(): Promise<void>;
}

export async function startStartingUpPostgres(targetPort: number, targetHost = '127.0.0.1'): Promise<StartingUpPostgres> {
  let starting = true;
  let refused = 0;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket): net.Socket => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    return socket;
  };
  const server = net.createServer((client) => {
    track(client);
    if (starting) {
      client.once('data', () => {
        refused += 1;
        client.end(errorResponse({ S: 'FATAL', V: 'FATAL', C: '57P03', M: 'the database system is starting up' }));
      });
      return;
    }
    const upstream = track(net.connect({ host: targetHost, port: targetPort }));
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    refused: () => refused,
    finishStartup: () => {
      starting = false;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await waitUntilClosed(sockets, 'the starting-up server');
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A protocol-3 ErrorResponse: 'E', its length, then each field as a type byte and a C string, then 0. */
function errorResponse(fields: Record<string, string>): Buffer {
  const body = Buffer.concat([...Object.entries(fields).map(([type, value]) => Buffer.from(`${type}${value}\0`)), Buffer.from([0])]);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
