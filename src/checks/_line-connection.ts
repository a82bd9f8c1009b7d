/**
 * A TCP (or TLS) connection that speaks a line protocol: the memcached text protocol
 * (`version\r\n` → `VERSION 1.6.18`) and the few Redis RESP replies a `PING` needs
 * (`+PONG`, `+OK`, `-ERR …`), each one line. The URL forms of `redis()` and the server-list
 * form of `memcached()` use it instead of a driver: no dependency, and exact control of the
 * socket, which is what a probe needs (destroy it at the timeout, never queue offline).
 *
 * Its lifecycle (opened on first use, one socket per server kept between probes, reopened
 * after a failure) is the shared {@link OwnedConnection}; this file is its driver. `node:net`
 * and `node:tls` are loaded on the first connection, not when shipshape is imported.
 */
import type { Socket } from 'node:net';
import { KEEPALIVE_DELAY_MS, OwnedConnection, type ConnectionDriver } from '../core/internal/owned-connection.js';
import type { HostPort } from './_host-port.js';

/** Lines sent once on every new connection before any request (Redis `AUTH`). */
export interface Handshake {
  readonly payload: string;
  readonly lines: number;
  /** Throws to refuse the connection (a wrong password); the connection is then destroyed. */
  readonly verify: (lines: readonly string[]) => void;
}

export interface LineConnectionOptions {
  readonly server: HostPort;
  /** Connect with TLS (`rediss://`); the host is the SNI name unless it is an IP address. */
  readonly tls?: boolean;
  readonly handshake?: Handshake;
}

/** Marks an error built from a server's reply (not a socket failure): never retried. */
export class ReplyError extends Error {}

/** A lazily opened, self-healing line-protocol connection. */
export class LineConnection {
  readonly #owned: OwnedConnection<LineSocket>;

  constructor(options: LineConnectionOptions) {
    this.#owned = new OwnedConnection(lineDriver(options));
  }

  /**
   * Sends `payload` and resolves with the next `lines` reply lines. Rejects with
   * `signal.reason` when the signal aborts, after destroying the socket.
   */
  request(payload: string, lines: number, signal: AbortSignal): Promise<string[]> {
    return this.#owned.use(signal, (socket) => socket.send(payload, lines));
  }

  /** Destroys the socket for good: later requests fail. Idempotent. */
  close(): Promise<void> {
    return this.#owned.close();
  }
}

// --- internal ---

// A reply line longer than this means we are not talking to the server we think.
const MAX_BUFFER = 64 * 1024;

function lineDriver(options: LineConnectionOptions): ConnectionDriver<LineSocket> {
  return {
    open(lost) {
      const socket = new LineSocket(options, lost);
      return { connection: socket, ready: socket.ready };
    },
    destroy: (socket) => socket.destroy(new Error(`connection to ${options.server.label} closed`)),
    retryStale: (error) => !(error instanceof ReplyError),
  };
}

interface Waiter {
  readonly lines: number;
  readonly received: string[];
  readonly resolve: (lines: string[]) => void;
  readonly reject: (error: Error) => void;
}

/** One socket with its reply buffer and the requests waiting for replies. */
class LineSocket {
  readonly ready: Promise<void>;
  readonly #label: string;
  readonly #socket: Socket;
  #buffer = '';
  #waiters: Waiter[] = [];
  #failure: Error | undefined;

  constructor(options: LineConnectionOptions, lost: () => void) {
    const net = process.getBuiltinModule('node:net');
    const { server } = options;
    this.#label = server.label;
    const socket = options.tls
      ? process.getBuiltinModule('node:tls').connect({ host: server.host, port: server.port, servername: net.isIP(server.host) ? undefined : server.host })
      : net.connect({ host: server.host, port: server.port, autoSelectFamily: true });
    this.#socket = socket;
    socket.setNoDelay(true);
    // Detects a peer that vanished while the connection sat idle between probes.
    socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
    socket.setEncoding('utf8');
    socket.on('error', (error) => {
      this.#failure = error;
    });
    socket.on('close', () => {
      this.#rejectAll(this.#failure ?? new Error(`connection closed by ${this.#label}`));
      lost();
    });
    socket.on('data', (chunk: string) => this.#receive(chunk));
    this.ready = this.#connect(options.tls === true, options.handshake);
  }

  send(payload: string, lines: number): Promise<string[]> {
    return new Promise<string[]>((resolve, reject) => {
      if (this.#socket.destroyed) return reject(this.#failure ?? new Error(`connection to ${this.#label} closed`));
      this.#waiters.push({ lines, received: [], resolve, reject });
      this.#socket.ref();
      this.#socket.write(payload);
    });
  }

  destroy(error: Error): void {
    this.#rejectAll(error);
    this.#socket.destroy();
  }

  async #connect(secure: boolean, handshake: Handshake | undefined): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const event = secure ? 'secureConnect' : 'connect';
      const onReady = (): void => {
        this.#socket.off('close', onClose);
        resolve();
      };
      const onClose = (): void => {
        this.#socket.off(event, onReady);
        reject(this.#failure ?? new Error(`connection closed by ${this.#label}`));
      };
      this.#socket.once(event, onReady);
      this.#socket.once('close', onClose);
    });
    if (handshake) handshake.verify(await this.send(handshake.payload, handshake.lines));
    if (this.#waiters.length === 0) this.#socket.unref();
  }

  #rejectAll(error: Error): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  #receive(chunk: string): void {
    this.#buffer += chunk;
    let end: number;
    while ((end = this.#buffer.indexOf('\r\n')) !== -1) {
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const waiter = this.#waiters[0];
      if (!waiter) return this.destroy(new Error(`unexpected data from ${this.#label}`));
      waiter.received.push(line);
      if (waiter.received.length === waiter.lines) {
        this.#waiters.shift();
        waiter.resolve(waiter.received);
      }
    }
    if (this.#buffer.length > MAX_BUFFER) this.destroy(new Error(`unexpected data from ${this.#label}`));
    if (this.#waiters.length === 0) this.#socket.unref();
  }
}
