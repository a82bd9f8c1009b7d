/**
 * A node:http2 server (`http2.createServer`, `http2.createSecureServer`, with or without
 * `allowHTTP1`). HTTP/2 has no `Connection: close`: its counterpart is GOAWAY, which
 * `session.close()` sends (RFC 9113 §6.8) — the streams in flight finish, the client
 * opens a new connection for its next request. From drain on every session is closed that
 * way: those open at once, one opened later once its first stream has been answered (as a
 * new HTTP/1.1 connection gets its one response with `Connection: close`). HTTP/1.1
 * requests of an `allowHTTP1` server get `Connection: close` (connection-tracker.ts),
 * and at `timeoutMs` every socket left, sessions included, is destroyed.
 *
 * Why not only `server.close()`: in node 20 it does not close the server's sessions, so it
 * waits for clients that may keep theirs open forever (nodejs/node#57611). Sessions are
 * tracked from `'session'`, so call `gracefulShutdown` before the server listens: one
 * opened earlier is found only by its next stream, and if it stays idle it is destroyed
 * at `timeoutMs`.
 */
import type { Http2Session, ServerHttp2Stream } from 'node:http2';
import { ConnectionTracker, type TrackedServer } from '../connection-tracker.js';
import type { ShutdownKind, ShutdownTarget, TargetContext } from '../target.js';
import { hasMethods } from '../../internal/shape.js';

/** http2 servers, by shape (`updateSettings` is theirs alone). */
export const http2Kind: ShutdownKind = {
  accepts: 'an http2 server',
  target: (server, context) => (isHttp2Server(server) ? http2Target(server, context) : undefined),
};

// --- internal ---

type Http2ServerLike = TrackedServer & { updateSettings(settings: object): void };

function isHttp2Server(value: unknown): value is Http2ServerLike {
  return hasMethods(value, 'updateSettings', 'close', 'prependListener', 'listenerCount');
}

function http2Target(server: Http2ServerLike, context: TargetContext): ShutdownTarget {
  const tracker = new ConnectionTracker(server, context.claimsUpgrade);
  const sessions = new Set<Http2Session>();
  const streams = new Set<ServerHttp2Stream>();
  let draining = false;
  let closed: Promise<void> | undefined;
  const onSession = (session: Http2Session): void => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    // once its first stream is answered, as a new HTTP/1.1 connection gets `Connection: close`
    // on its first response: a GOAWAY at once would refuse that stream and the others a
    // multiplexing client sends with it (its last stream id is the last one received)
    if (draining) session.once('stream', (stream: ServerHttp2Stream) => stream.once('close', () => session.close()));
  };
  const onStream = (stream: ServerHttp2Stream): void => {
    streams.add(stream);
    stream.once('close', () => streams.delete(stream));
    // a session opened before shutdown was set up (node 20 keeps no list of them) is found
    // by its next stream; that stream has arrived, so it is served
    const session = stream.session;
    if (session && !sessions.has(session)) {
      onSession(session);
      if (draining) session.close();
    }
  };
  server.on('session', onSession);
  server.on('stream', onStream);
  return {
    label: 'http2 server',
    drain() {
      if (draining) return;
      draining = true;
      tracker.drain();
      for (const session of sessions) session.close();
    },
    stop() {
      closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
      tracker.stop();
      for (const session of sessions) session.close(); // those opened during the delay with no stream yet
      return streams.size + tracker.inFlight();
    },
    settled: () => closed ?? Promise.resolve(),
    destroy: () => tracker.destroyAll(),
    dispose() {
      server.removeListener('session', onSession);
      server.removeListener('stream', onStream);
      tracker.dispose();
    },
  };
}
