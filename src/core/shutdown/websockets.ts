/**
 * The `websockets` option of `gracefulShutdown`: `ws` `WebSocketServer`s and socket.io
 * `Server`s, recognized by shape (shipshape depends on neither). When the servers stop
 * accepting, every client is closed with 1001 "going away" (RFC 6455 §7.4.1), so it
 * reconnects elsewhere at once, and shutdown waits for those closes; at `timeoutMs` the
 * ones left are cut. Each library lives in its own file under websockets/.
 */
import type { IncomingMessage } from 'node:http';
import { InvalidOptionError } from '../errors.js';
import { describe } from '../options.js';
import type { ShutdownTarget } from './target.js';
import { socketIoKind } from './websockets/socket-io.js';
import { wsKind } from './websockets/ws.js';

/** A `ws` `WebSocketServer` or a socket.io `Server`, by shape. */
export type ShutdownWebSocketServer =
  | { shouldHandle(request: never): unknown; handleUpgrade(...args: never[]): unknown }
  | { of(...args: never[]): unknown; path(...args: never[]): unknown; bind(...args: never[]): unknown };

/** One connected client of a WebSocket server, as shutdown drives it. */
export interface WebSocketClient {
  /** The library's own object: the same client seen twice is one. */
  readonly key: object;
  /** Not closed yet. */
  isOpen(): boolean;
  /** Closes it with 1001 "going away". */
  goAway(): void;
  /** Cuts it (at `timeoutMs`). */
  destroy(): void;
  /** Calls `listener` once the client has closed. */
  onClose(listener: () => void): void;
}

/** A WebSocket server given in `websockets`, as shutdown drives it. */
export interface WebSocketOwner {
  /** Whether an upgrade request on an http server is this server's (its connection is left to it). */
  claims(req: IncomingMessage): boolean;
  /** The clients connected now. */
  clients(): Iterable<WebSocketClient>;
  /** Calls `listener` for every client that connects from now on; returns the function that stops it. */
  watch(listener: (client: WebSocketClient) => void): () => void;
  /** Removes what the owner put on the server. */
  dispose(): void;
}

/** One library: how its server is recognized and driven. */
export interface WebSocketKind {
  readonly accepts: string;
  matches(value: unknown): boolean;
  /** Builds the owner; it may start listening to the server (clients without `clientTracking`). */
  owner(value: unknown): WebSocketOwner;
}

const KINDS: readonly WebSocketKind[] = [wsKind, socketIoKind];

/** Validates the `websockets` option: one server or an array of them; returns the list. */
export function toWebSocketServers(value: unknown): readonly object[] {
  const list = Array.isArray(value) ? value : [value];
  list.forEach((server, index) => {
    if (KINDS.some((kind) => kind.matches(server))) return;
    const name = Array.isArray(value) ? `websockets[${index}]` : 'websockets';
    throw new InvalidOptionError(
      `Expected \`${name}\` to be ${KINDS.map((kind) => kind.accepts).join(' or ')}, or an array of them, got ${describe(server)}`,
    );
  });
  return [...new Set(list as object[])];
}

/** The owners of validated `servers` (listening from now on). */
export function toWebSocketOwners(servers: readonly object[]): readonly WebSocketOwner[] {
  return servers.map((server) => KINDS.find((kind) => kind.matches(server))!.owner(server));
}

/**
 * The clients of `owners` as one shutdown target: at stop each open client (and each one
 * that connects later) is told to go away; settled once all have closed; destroy cuts the rest.
 */
export function webSocketsTarget(owners: readonly WebSocketOwner[]): ShutdownTarget {
  const open = new Map<object, WebSocketClient>();
  const unwatch: (() => void)[] = [];
  let stopped = false;
  let resolveSettled!: () => void;
  const settled = new Promise<void>((resolve) => (resolveSettled = resolve));
  const goAway = (client: WebSocketClient): void => {
    if (open.has(client.key) || !client.isOpen()) return;
    open.set(client.key, client);
    client.onClose(() => {
      open.delete(client.key);
      if (open.size === 0) resolveSettled();
    });
    client.goAway();
  };
  return {
    label: 'WebSocket clients',
    drain: () => {},
    stop() {
      if (!stopped) {
        stopped = true;
        for (const owner of owners) {
          unwatch.push(owner.watch(goAway));
          for (const client of owner.clients()) goAway(client);
        }
        if (open.size === 0) resolveSettled();
      }
      return open.size;
    },
    settled: () => (stopped ? settled : Promise.resolve()),
    destroy() {
      const left = [...open.values()];
      for (const client of left) client.destroy();
      return left.length;
    },
    dispose() {
      for (const stop of unwatch.splice(0)) stop();
      for (const owner of owners) owner.dispose();
    },
  };
}
