/**
 * The first step of every connection `nats(url)` opens: a socket of its own to each server
 * that waits for the server's `INFO` line (a NATS server sends it as soon as it accepts a
 * client, https://docs.nats.io/reference/reference-protocols/nats-protocol#info), and is
 * destroyed the moment the check's signal aborts.
 *
 * Why not let nats.js connect at once: `connect()` returns a promise, not a connection, so
 * a check cannot free its socket at its timeout; and nats.js 2.29 leaves that socket open
 * when its own connect `timeout` fires against a server that accepts and never speaks
 * (measured while preparing issue 21: the socket stays ESTABLISHED until the process ends).
 * Only a server that has just spoken is handed over to `connect()`.
 */
import type { Socket } from 'node:net';
import type { HostPort } from './_host-port.js';

// An INFO line is a few hundred bytes (a few KB with many cluster URLs).
const MAX_INFO_BYTES = 64 * 1024;

/**
 * Resolves with the first of `servers` that sends a line starting with `INFO`; rejects with
 * what went wrong with each when none does, or with the signal's reason when it aborts.
 * Every socket it opened is destroyed before it settles.
 */
export function firstNatsServer<S extends HostPort>(servers: readonly S[], signal: AbortSignal): Promise<S> {
  signal.throwIfAborted();
  const net = process.getBuiltinModule('node:net');
  return new Promise<S>((resolve, reject) => {
    const sockets: Socket[] = [];
    const failures: string[] = [];
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', abort);
      for (const socket of sockets) socket.destroy();
      outcome();
    };
    const abort = (): void => settle(() => reject(signal.reason));
    signal.addEventListener('abort', abort, { once: true });
    for (const server of servers) {
      const socket = net.connect({ host: server.host, port: server.port, autoSelectFamily: true });
      sockets.push(socket);
      let received = '';
      let failed = false;
      // One server's socket error is rejected as it is: its code (`ECONNREFUSED`) is the
      // short cause `wait4` prints.
      const fail = (reason: string, error?: Error): void => {
        if (failed || settled) return;
        failed = true;
        socket.destroy();
        failures.push(servers.length === 1 ? reason : `${server.label}: ${reason}`);
        if (failures.length === servers.length) settle(() => reject(servers.length === 1 && error ? error : new Error(failures.join('; '))));
      };
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        received += chunk;
        const end = received.indexOf('\r\n');
        if (end === -1 && received.length < MAX_INFO_BYTES) return;
        if (received.startsWith('INFO ') || received.startsWith('INFO\t')) settle(() => resolve(server));
        else fail(`${server.label} is not a NATS server (it did not send INFO)`);
      });
      socket.on('error', (error) => fail(errorText(error), error));
      socket.on('close', () => fail(`connection closed by ${server.label}`));
    }
  });
}

// --- internal ---

function errorText(error: Error): string {
  if (error instanceof AggregateError && error.message === '') {
    return [...new Set(error.errors.map((part: unknown) => (part instanceof Error ? part.message : String(part))))].join('; ');
  }
  return error.message;
}
