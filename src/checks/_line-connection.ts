/**
 * One long-lived TCP (or TLS) connection that speaks a line protocol: the memcached text
 * protocol (`version\r\n` → `VERSION 1.6.18`) and the few Redis RESP replies a `PING` needs
 * (`+PONG`, `+OK`, `-ERR …`), each one line. The URL forms of `redis()` and the server-list
 * form of `memcached()` use it instead of a driver: no dependency, and exact control of the
 * socket, which is what a probe needs (destroy it at the timeout, never queue offline).
 *
 * The connection opens on the first request and is kept for the next ones (one socket per
 * server, not one per probe). Any failure destroys it and the next request opens a fresh
 * one, so a restarted server is picked up by the next probe.
 */
import net from 'node:net';
import tls from 'node:tls';
import { abortable } from '../core/internal/abortable.js';
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

interface Waiter {
  readonly lines: number;
  readonly received: string[];
  readonly resolve: (lines: string[]) => void;
  readonly reject: (error: Error) => void;
}

// A reply line longer than this means we are not talking to the server we think.
const MAX_BUFFER = 64 * 1024;

/** A lazily opened, self-healing line-protocol connection. Never throws from an event. */
export class LineConnection {
  readonly #options: LineConnectionOptions;
  #socket: net.Socket | undefined;
  #opening: Promise<void> | undefined;
  #buffer = '';
  #waiters: Waiter[] = [];
  #closed = false;

  constructor(options: LineConnectionOptions) {
    this.#options = options;
  }

  /**
   * Sends `payload` and resolves with the next `lines` reply lines. Rejects with
   * `signal.reason` when the signal aborts, after destroying the socket.
   */
  async request(payload: string, lines: number, signal: AbortSignal): Promise<string[]> {
    signal.throwIfAborted();
    // A kept connection may have been dropped by the server while idle (a restart, an idle
    // timeout) without us seeing it yet: one retry on a fresh socket tells a stale socket
    // from a dead server.
    const reused = this.#socket !== undefined && this.#opening === undefined;
    try {
      return await abortable(this.#exchange(payload, lines), signal, () => this.destroy());
    } catch (error) {
      if (!reused || signal.aborted || this.#closed || isReplyError(error)) throw error;
      return abortable(this.#exchange(payload, lines), signal, () => this.destroy());
    }
  }

  /** Destroys the socket (pending requests fail); the next request reconnects. */
  destroy(error: Error = new Error(`connection to ${this.#options.server.label} closed`)): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#opening = undefined;
    this.#buffer = '';
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(error);
    socket?.destroy();
  }

  /** Destroys the socket for good: later requests fail. Idempotent. */
  close(): void {
    this.#closed = true;
    this.destroy(new Error('check closed'));
  }

  // --- internal ---

  async #exchange(payload: string, lines: number): Promise<string[]> {
    if (this.#closed) throw new Error('check closed');
    if (!this.#socket) this.#opening = this.#open();
    if (this.#opening) await this.#opening;
    const socket = this.#socket;
    if (!socket) throw new Error(`connection to ${this.#options.server.label} closed`);
    return this.#send(socket, payload, lines);
  }

  #send(socket: net.Socket, payload: string, lines: number): Promise<string[]> {
    return new Promise<string[]>((resolve, reject) => {
      this.#waiters.push({ lines, received: [], resolve, reject });
      socket.ref();
      socket.write(payload);
    });
  }

  async #open(): Promise<void> {
    const { server, handshake } = this.#options;
    const socket = this.#options.tls
      ? tls.connect({ host: server.host, port: server.port, servername: net.isIP(server.host) ? undefined : server.host })
      : net.connect({ host: server.host, port: server.port, autoSelectFamily: true });
    this.#socket = socket;
    socket.setNoDelay(true);
    // Detects a peer that vanished while the connection sat idle between probes.
    socket.setKeepAlive(true, 10_000);
    socket.setEncoding('utf8');
    let failure: Error | undefined;
    socket.on('error', (error) => {
      failure = error;
    });
    socket.on('close', () => {
      if (this.#socket === socket) this.destroy(failure ?? new Error(`connection closed by ${server.label}`));
    });
    socket.on('data', (chunk: string) => this.#receive(socket, chunk));
    await new Promise<void>((resolve, reject) => {
      const ready = this.#options.tls ? 'secureConnect' : 'connect';
      const onReady = (): void => {
        socket.off('close', onClose);
        resolve();
      };
      const onClose = (): void => {
        socket.off(ready, onReady);
        reject(failure ?? new Error(`connection closed by ${server.label}`));
      };
      socket.once(ready, onReady);
      socket.once('close', onClose);
    });
    if (handshake) {
      const reply = await this.#send(socket, handshake.payload, handshake.lines);
      try {
        handshake.verify(reply);
      } catch (error) {
        if (this.#socket === socket) this.destroy();
        throw error;
      }
    }
    if (this.#socket === socket) this.#opening = undefined;
  }

  #receive(socket: net.Socket, chunk: string): void {
    if (this.#socket !== socket) return;
    this.#buffer += chunk;
    let end: number;
    while ((end = this.#buffer.indexOf('\r\n')) !== -1) {
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const waiter = this.#waiters[0];
      if (!waiter) {
        this.destroy(new Error(`unexpected data from ${this.#options.server.label}`));
        return;
      }
      waiter.received.push(line);
      if (waiter.received.length === waiter.lines) {
        this.#waiters.shift();
        waiter.resolve(waiter.received);
      }
    }
    if (this.#buffer.length > MAX_BUFFER) this.destroy(new Error(`unexpected data from ${this.#options.server.label}`));
    if (this.#waiters.length === 0) socket.unref();
  }
}

/** Marks an error built from a server's reply (not a socket failure): never retried. */
export class ReplyError extends Error {}

function isReplyError(error: unknown): boolean {
  return error instanceof ReplyError;
}
