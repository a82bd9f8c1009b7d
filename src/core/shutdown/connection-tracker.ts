/**
 * The sockets of one node:http(s) server (or http2 server: its HTTP/1.1 side and its
 * sessions' sockets), so that shutdown can (1) put `Connection: close` on responses
 * already in flight, (2) tell a socket that never sent a byte from one serving a request,
 * (3) end the sockets taken over by `'upgrade'` that no WebSocket server given to
 * shutdown owns, and (4) count what it had to destroy.
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
  listenerCount(event: string): number;
  readonly listening: boolean;
}

/** An http2 server has no `closeAllConnections`, and `closeIdleConnections` only with `allowHTTP1` (node 20). */
export type TrackedServer = Omit<HttpServerLike, 'closeIdleConnections' | 'closeAllConnections'> & Partial<HttpServerLike>;

/** Whether a WebSocket server given to shutdown will close the connection this upgrade request made. */
export type ClaimsUpgrade = (req: IncomingMessage) => boolean;

type TrackedSocket = Socket & { _httpMessage?: ServerResponse | null };

/** Tracks a server's sockets from construction on; every method is cheap and idempotent. */
export class ConnectionTracker {
  readonly #server: TrackedServer;
  readonly #claimsUpgrade: ClaimsUpgrade;
  readonly #sockets = new Set<TrackedSocket>();
  /** Sockets taken over by `'upgrade'`, none of which a given WebSocket server claims. */
  readonly #unclaimed = new Set<Socket>();
  #draining = false;
  #stopping = false;
  #closeIdleQueued = false;
  #watchingUpgrades = false;

  constructor(server: TrackedServer, claimsUpgrade: ClaimsUpgrade = () => false) {
    this.#server = server;
    this.#claimsUpgrade = claimsUpgrade;
    server.on('connection', this.#add);
    server.on('secureConnection', this.#add);
    // without an 'upgrade' listener node serves an upgrade request as a plain request
    // (lib/_http_server.js parserOnIncoming): listen only alongside the app's own listeners
    server.on('newListener', this.#onNewListener);
    server.on('removeListener', this.#onRemoveListener);
    if (server.listenerCount('upgrade') > 0) this.#watchUpgrades(true);
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
    // prepended, so it runs before an app that answers synchronously inside its own listener;
    // none on a server without 'request' listeners: on an http2 server the first one turns on
    // the compatibility API for every stream (lib/internal/http2/core.js setupCompat)
    if (this.#server.listenerCount('request') > 0) this.#server.prependListener('request', this.#onRequest);
    for (const socket of this.#sockets) {
      const res = socket._httpMessage;
      if (res && !res.headersSent) res.setHeader('connection', 'close');
    }
  }

  /**
   * After `server.close()`: closes idle keep-alive sockets and sockets that never sent a
   * byte; a response whose headers went out before `drain()` (so without `Connection:
   * close`) gets its socket closed as soon as it ends. Upgraded sockets no WebSocket server
   * claims are ended (a FIN: the peer is told, nothing is cut).
   */
  stop(): void {
    this.drain();
    this.#adopt();
    this.#stopping = true;
    this.#server.closeIdleConnections?.();
    for (const socket of this.#unclaimed) socket.end();
    for (const socket of this.#sockets) {
      const res = socket._httpMessage;
      if (res && !res.writableFinished) res.once('finish', this.#closeIdleSoon);
      else if (!res && socket.bytesRead === 0) socket.destroy();
    }
  }

  /** Destroys every socket left; returns how many there were (a socket something else destroyed first is not counted). */
  destroyAll(): number {
    this.#adopt();
    let count = 0;
    for (const socket of this.#sockets) if (!socket.destroyed) count += 1;
    this.#server.closeAllConnections?.();
    for (const socket of this.#sockets) socket.destroy();
    return count;
  }

  /** Removes the tracker's listeners from the server. */
  dispose(): void {
    this.#server.removeListener('newListener', this.#onNewListener);
    this.#server.removeListener('removeListener', this.#onRemoveListener);
    this.#server.removeListener('connection', this.#add);
    this.#server.removeListener('secureConnection', this.#add);
    this.#server.removeListener('request', this.#onRequest);
    this.#server.removeListener('upgrade', this.#onUpgrade);
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

  readonly #onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    // an HTTP/2 request on an http2 server: connection-specific headers are forbidden there
    // (RFC 9113 §8.2.2); its session gets a GOAWAY instead (targets/http2.ts)
    if (req.httpVersionMajor >= 2) return;
    // RFC 9112 §9.6: the server closes the connection after this response
    if (!res.headersSent) res.setHeader('connection', 'close');
    if (this.#stopping) res.once('finish', this.#closeIdleSoon);
  };

  /** Adds ours when the app adds an 'upgrade' listener ('newListener' runs before the add). */
  readonly #onNewListener = (event: string | symbol): void => {
    if (event === 'upgrade' && !this.#watchingUpgrades) this.#watchUpgrades(true);
  };

  /** Takes ours off once the app's last 'upgrade' listener is gone ('removeListener' runs after the removal). */
  readonly #onRemoveListener = (event: string | symbol): void => {
    if (event === 'upgrade' && this.#watchingUpgrades && this.#server.listenerCount('upgrade') === 1) this.#watchUpgrades(false);
  };

  #watchUpgrades(watch: boolean): void {
    this.#watchingUpgrades = watch; // first: our own add and removal come back through the two listeners above
    if (watch) this.#server.prependListener('upgrade', this.#onUpgrade);
    else this.#server.removeListener('upgrade', this.#onUpgrade);
  }

  /** From here on node no longer counts the socket as an HTTP connection: it is the app's. */
  readonly #onUpgrade = (req: IncomingMessage, socket: Socket): void => {
    if (this.#claimsUpgrade(req)) return;
    this.#unclaimed.add(socket);
    socket.once('close', () => this.#unclaimed.delete(socket));
    if (this.#stopping) socket.end();
  };

  /** Once a response has ended its socket is idle to node; close it (batched per tick). */
  readonly #closeIdleSoon = (): void => {
    if (this.#closeIdleQueued) return;
    this.#closeIdleQueued = true;
    setImmediate(() => {
      this.#closeIdleQueued = false;
      this.#server.closeIdleConnections?.();
    });
  };
}

function isBusy(socket: TrackedSocket): boolean {
  const res = socket._httpMessage;
  return res !== undefined && res !== null && !res.writableFinished;
}
