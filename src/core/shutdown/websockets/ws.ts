/**
 * A `ws` `WebSocketServer` (ws 8): its clients are `wss.clients` (with `clientTracking`,
 * the default) and those seen in its `'connection'` event since shutdown was set up. It
 * claims the upgrade requests its public `shouldHandle(req)` accepts (its `path`, or all).
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocketClient, WebSocketKind, WebSocketOwner } from '../websockets.js';

/** `ws` servers, by shape. */
export const wsKind: WebSocketKind = {
  accepts: 'a ws WebSocketServer',
  matches: (value) => {
    const server = value as Partial<Record<'shouldHandle' | 'handleUpgrade' | 'on', unknown>> | null;
    return typeof server === 'object' && server !== null && typeof server.shouldHandle === 'function' && typeof server.handleUpgrade === 'function' && typeof server.on === 'function';
  },
  owner: (value) => wsOwner(value as WsServerLike),
};

// --- internal ---

/** ws's `readyState` for a closed socket (the WebSocket API's CLOSED). */
const CLOSED = 3;

interface WsLike {
  readonly readyState: number;
  close(code?: number, reason?: string): void;
  terminate(): void;
  once(event: 'close', listener: () => void): unknown;
}

interface WsServerLike {
  readonly clients?: Iterable<WsLike>;
  shouldHandle(req: IncomingMessage): unknown;
  on(event: 'connection', listener: (ws: WsLike) => void): unknown;
  removeListener(event: 'connection', listener: (ws: WsLike) => void): unknown;
}

function wsOwner(server: WsServerLike): WebSocketOwner {
  const seen = new Set<WsLike>(); // for a server without clientTracking
  const onConnection = (ws: WsLike): void => {
    seen.add(ws);
    ws.once('close', () => seen.delete(ws));
  };
  server.on('connection', onConnection);
  return {
    claims: (req) => server.shouldHandle(req) === true,
    clients: () => [...new Set([...(server.clients ?? []), ...seen])].map(client),
    watch(listener) {
      const onClient = (ws: WsLike): void => listener(client(ws));
      server.on('connection', onClient);
      return () => void server.removeListener('connection', onClient);
    },
    dispose: () => void server.removeListener('connection', onConnection),
  };
}

function client(ws: WsLike): WebSocketClient {
  return {
    key: ws,
    isOpen: () => ws.readyState !== CLOSED,
    // RFC 6455 §7.4.1: 1001 "indicates that an endpoint is going away, such as a server going down"
    goAway: () => ws.close(1001, 'server shutting down'),
    destroy: () => ws.terminate(),
    onClose: (listener) => void ws.once('close', listener),
  };
}
