/**
 * The sockets of one node:http(s) server, so that shutdown can (1) put `Connection:
 * close` on responses already in flight, (2) tell a socket that never sent a byte from
 * one serving a request, and (3) count what it had to destroy.
 *
 * Why not only `server.close()`: in Node 20 it closes idle keep-alive sockets, but a
 * socket that connected and sent nothing is not "idle" to node (its headers timer runs),
 * so it holds `close()` until `headersTimeout`; and a response in flight keeps its
 * keep-alive socket open after it ends. http-terminator and stoppable track sockets the
 * same way (`socket._httpMessage` is the response node is writing on that socket).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The part of `http.Server` (and `https.Server`) that shutdown uses. */
export interface HttpServerLike {
  close(callback?: (error?: Error) => void): unknown;
  closeIdleConnections(): void;
  closeAllConnections(): void;
  on(event: string, listener: (...args: never[]) => void): unknown;
  prependListener(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  readonly listening: boolean;
}

type TrackedSocket = Socket & { _httpMessage?: ServerResponse | null };

/** Tracks a server's sockets from construction on; every method is cheap and idempotent. */
export class ConnectionTracker {
  readonly #server: HttpServerLike;
  readonly #sockets = new Set<TrackedSocket>();
  #draining = false;
  #stopping = false;
  #closeIdleQueued = false;

  constructor(server: HttpServerLike) {
    this.#server = server;
    server.on('connection', this.#add);
    server.on('secureConnection', this.#add);
    this.#adopt();
  }

  /** Requests being answered right now. */
  inFlight(): number {
    let count = 0;
    for (const socket of this.#sockets) if (isBusy(socket)) count += 1;
    return count;
  }

  /** From now on every response says `Connection: close`, in flight or yet to come. */
  drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    this.#adopt();
    // prepended, so it runs before an app that answers synchronously inside its own listener
    this.#server.prependListener('request', this.#onRequest);
    for (const socket of this.#sockets) {
      const res = socket._httpMessage;
      if (res && !res.headersSent) res.setHeader('connection', 'close');
    }
  }

  /**
   * After `server.close()`: closes idle keep-alive sockets and sockets that never sent a
   * byte; a response whose headers went out before `drain()` (so without `Connection:
   * close`) gets its socket closed as soon as it ends.
   */
  stop(): void {
    this.drain();
    this.#adopt();
    this.#stopping = true;
    this.#server.closeIdleConnections();
    for (const socket of this.#sockets) {
      const res = socket._httpMessage;
      if (res && !res.writableFinished) res.once('finish', this.#closeIdleSoon);
      else if (!res && socket.bytesRead === 0) socket.destroy();
    }
  }

  /** Destroys every socket left; returns how many there were. */
  destroyAll(): number {
    this.#adopt();
    const count = this.#sockets.size;
    this.#server.closeAllConnections();
    for (const socket of this.#sockets) socket.destroy();
    return count;
  }

  /** Removes the tracker's listeners from the server. */
  dispose(): void {
    this.#server.removeListener('connection', this.#add);
    this.#server.removeListener('secureConnection', this.#add);
    this.#server.removeListener('request', this.#onRequest);
  }

  // --- internal ---

  /**
   * Connections accepted before the tracker existed (gracefulShutdown called after
   * `listen()`) are found in node's own list of the server's HTTP connections, a private
   * field (lib/_http_server.js, `kConnections`, node ≥ 18.2) read by description and
   * only when present; without it they are still closed by close()/closeAllConnections(),
   * they just miss `Connection: close` and the count.
   */
  #adopt(): void {
    try {
      const key = Object.getOwnPropertySymbols(this.#server).find((symbol) => symbol.description === 'http.server.connections');
      const list = key && (this.#server as unknown as Record<symbol, { all?: () => { socket?: TrackedSocket }[] }>)[key];
      for (const parser of list?.all?.() ?? []) if (parser.socket && !parser.socket.destroyed) this.#add(parser.socket);
    } catch {
      // best effort: a future node without this list loses only the adoption
    }
  }

  readonly #add = (socket: TrackedSocket): void => {
    if (this.#sockets.has(socket)) return;
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  };

  readonly #onRequest = (_req: IncomingMessage, res: ServerResponse): void => {
    // RFC 9112 §9.6: the server closes the connection after this response
    if (!res.headersSent) res.setHeader('connection', 'close');
    if (this.#stopping) res.once('finish', this.#closeIdleSoon);
  };

  /** Once a response has ended its socket is idle to node; close it (batched per tick). */
  readonly #closeIdleSoon = (): void => {
    if (this.#closeIdleQueued) return;
    this.#closeIdleQueued = true;
    setImmediate(() => {
      this.#closeIdleQueued = false;
      this.#server.closeIdleConnections();
    });
  };
}

function isBusy(socket: TrackedSocket): boolean {
  const res = socket._httpMessage;
  return res !== undefined && res !== null && !res.writableFinished;
}
