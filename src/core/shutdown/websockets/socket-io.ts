/**
 * A socket.io `Server` (4.x). Its clients are closed at the transport, in engine.io, not
 * with `socket.disconnect()`: the client then sees `transport close` and reconnects by
 * itself, where after a server disconnect (`io server disconnect`) it would not
 * (socket.io docs, "Socket instance (client-side)", disconnect reasons). On the WebSocket
 * transport the underlying `ws` socket is closed with 1001; a long-polling client gets
 * engine.io's `close` packet. It claims the upgrade requests under its `path()`.
 */
import type { WebSocketClient, WebSocketKind, WebSocketOwner } from '../websockets.js';

/** socket.io servers, by shape. */
export const socketIoKind: WebSocketKind = {
  accepts: 'a socket.io Server',
  matches: (value) => {
    const io = value as Partial<Record<'of' | 'path' | 'bind', unknown>> | null;
    return typeof io === 'object' && io !== null && typeof io.of === 'function' && typeof io.path === 'function' && typeof io.bind === 'function';
  },
  owner: (value) => socketIoOwner(value as SocketIoServerLike),
};

// --- internal ---

interface WsLike {
  close(code?: number, reason?: string): void;
  terminate(): void;
}

/** An engine.io `Socket`: one client connection, whatever its transport. */
interface EngineSocketLike {
  readonly readyState: string;
  readonly transport?: { readonly name?: string; readonly socket?: unknown };
  close(discard?: boolean): unknown;
  once(event: 'close', listener: () => void): unknown;
}

interface EngineLike {
  readonly clients: Record<string, EngineSocketLike>;
  on(event: 'connection', listener: (socket: EngineSocketLike) => void): unknown;
  removeListener(event: 'connection', listener: (socket: EngineSocketLike) => void): unknown;
}

interface SocketIoServerLike {
  /** Set once the server is attached (`new Server(httpServer)`, `io.attach()`, `io.listen()`). */
  readonly engine?: EngineLike;
  path(): string;
}

function socketIoOwner(io: SocketIoServerLike): WebSocketOwner {
  return {
    // engine.io's own check (server.ts attach): the request URL starts with the path
    claims: (req) => (req.url ?? '').startsWith(io.path()),
    clients: () => Object.values(io.engine?.clients ?? {}).map(client),
    watch(listener) {
      const engine = io.engine;
      const onConnection = (socket: EngineSocketLike): void => listener(client(socket));
      engine?.on('connection', onConnection);
      return () => void engine?.removeListener('connection', onConnection);
    },
    dispose: () => {},
  };
}

function client(socket: EngineSocketLike): WebSocketClient {
  return {
    key: socket,
    isOpen: () => socket.readyState !== 'closed',
    goAway() {
      const ws = webSocketOf(socket);
      // RFC 6455 §7.4.1: 1001 "going away"; engine.io's own close() would send no code (1005)
      if (ws) ws.close(1001, 'server shutting down');
      else socket.close();
    },
    destroy() {
      const ws = webSocketOf(socket);
      if (ws) ws.terminate();
      else socket.close(true);
    },
    onClose: (listener) => void socket.once('close', listener),
  };
}

/** The `ws` socket under engine.io's WebSocket transport (transports/websocket.ts keeps it as `socket`), if that is the transport. */
function webSocketOf(socket: EngineSocketLike): WsLike | undefined {
  const ws = socket.transport?.name === 'websocket' ? (socket.transport.socket as Partial<WsLike> | undefined) : undefined;
  return ws && typeof ws.close === 'function' && typeof ws.terminate === 'function' ? (ws as WsLike) : undefined;
}
