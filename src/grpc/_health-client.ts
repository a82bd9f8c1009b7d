/**
 * The client side of `grpc.health.v1.Health/Check`, on node:http2 alone: the `grpc()` check,
 * and later `shipshape probe --grpc` and `wait4 grpc://`, all call it through
 * {@link GrpcHealthClient}. No `@grpc/grpc-js`: an exec probe must start nearly as fast as
 * node itself, and a unary call is a few lines of the protocol (`_health-call.ts`).
 *
 * One HTTP/2 session is opened on the first call and kept for the next ones, through the
 * shared {@link OwnedConnection} lifecycle: destroyed when a call's signal aborts, thrown
 * away after a failure or a `GOAWAY` (the next call opens a fresh one), closed by `close()`.
 */
import type { ClientHttp2Session } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { KEEPALIVE_DELAY_MS, OwnedConnection, type ConnectionDriver } from '../core/internal/owned-connection.js';
import { InvalidOptionError } from '../core/errors.js';
import { describe } from '../core/options.js';
import { parseHostPort, type HostPort } from '../checks/_host-port.js';
import { GrpcCallError, unaryCheck } from './_health-call.js';

export { GrpcCallError } from './_health-call.js';

/** `true`: TLS with the system's CAs; an object: node:tls options (`ca`, `cert`, `key`, `servername`, `rejectUnauthorized`, …). */
export type GrpcTls = boolean | ConnectionOptions;

/**
 * Parses a gRPC server's `host:port` (`[::1]:50051` for IPv6): the port is required, gRPC
 * has no default one.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) naming `option` otherwise.
 */
export function parseGrpcTarget(option: string, input: unknown): HostPort {
  const text = typeof input === 'string' ? input.trim() : '';
  if (!/^(\[[^\]]+\]|[^:[\]]+):\d+$/.test(text)) {
    throw new InvalidOptionError(`Expected \`${option}\` to be "host:port" (IPv6 as "[::1]:50051"), got ${describe(input)}`);
  }
  return parseHostPort(option, text, 0);
}

/** A lazily opened, self-healing HTTP/2 session to one gRPC server, for health checks. */
export class GrpcHealthClient {
  readonly #owned: OwnedConnection<Session>;

  constructor(server: HostPort, tls: GrpcTls = false) {
    this.#owned = new OwnedConnection(sessionDriver(server, tls));
  }

  /**
   * Calls `Health/Check` for `service` and resolves to the status number of the answer
   * (`statusName()` names it). Rejects with a {@link GrpcCallError} when the call ends with
   * another gRPC status (`NOT_FOUND` for an unknown service), with the transport's error when
   * the server cannot be reached or answers no gRPC, and with `signal.reason` when the signal
   * aborts (the session is then destroyed). `deadlineMs`, when given, is sent as the call's
   * `grpc-timeout`, so the server gives up too.
   */
  async check(service: string, signal: AbortSignal, deadlineMs?: number): Promise<number> {
    const answer = await this.#owned.use(signal, (session) => session.call(service, deadlineMs));
    // an error status is the server's answer over a sound connection, which is kept
    if (answer instanceof GrpcCallError) throw answer;
    return answer;
  }

  /** Closes the session (politely when it is up); later calls fail. Idempotent. */
  close(): Promise<void> {
    return this.#owned.close();
  }
}

// --- internal ---

function sessionDriver(server: HostPort, tls: GrpcTls): ConnectionDriver<Session> {
  return {
    open(lost) {
      const session = new Session(server, tls, lost);
      return { connection: session, ready: session.ready };
    },
    destroy: (session) => session.destroy(),
    end: (session) => session.end(),
    // a kept session that the server dropped while idle is worth one retry on a fresh one
    retryStale: () => true,
  };
}

/** One HTTP/2 session, referenced (keeping the process alive) only while calls are in flight. */
class Session {
  readonly ready: Promise<void>;
  readonly #session: ClientHttp2Session;
  #failure: Error | undefined;
  #calls = 0;

  constructor(server: HostPort, tls: GrpcTls, lost: () => void) {
    const http2 = process.getBuiltinModule('node:http2');
    const scheme = tls === false ? 'http' : 'https';
    this.#session = http2.connect(`${scheme}://${server.label}`, {
      createConnection: () => connectSocket(server, tls),
      settings: { enablePush: false },
    });
    const session = this.#session;
    session.on('error', (error) => {
      this.#failure = error;
    });
    // a GOAWAY (the server shuts down, or its max connection age) takes no new calls
    session.on('goaway', lost);
    session.on('close', lost);
    this.ready = new Promise<void>((resolve, reject) => {
      session.once('connect', () => {
        if (this.#calls === 0) session.unref();
        resolve();
      });
      session.once('close', () => reject(this.#failure ?? new Error(`connection to ${server.label} closed`)));
    });
  }

  call(service: string, deadlineMs: number | undefined): Promise<number | GrpcCallError> {
    const session = this.#session;
    if (session.closed || session.destroyed) return Promise.reject(this.#failure ?? new Error('connection closed'));
    this.#calls += 1;
    session.ref();
    return unaryCheck(session, service, deadlineMs).finally(() => {
      this.#calls -= 1;
      if (this.#calls === 0 && !session.destroyed) session.unref();
    });
  }

  destroy(): void {
    this.#session.destroy();
  }

  end(): Promise<void> {
    // referenced again: a one-shot caller (`probe --grpc`) awaiting close() must not see the
    // process end under it with the goodbye unsent
    this.#session.ref();
    return new Promise<void>((resolve) => this.#session.close(() => resolve()));
  }
}

function connectSocket(server: HostPort, tls: GrpcTls): Duplex {
  const net = process.getBuiltinModule('node:net');
  const socket =
    tls === false
      ? net.connect({ host: server.host, port: server.port, autoSelectFamily: true })
      : process.getBuiltinModule('node:tls').connect({
          ...(tls === true ? {} : tls),
          host: server.host,
          port: server.port,
          // SNI takes a host name, never an address (RFC 6066 §3)
          servername: (tls !== true ? tls.servername : undefined) ?? (net.isIP(server.host) ? undefined : server.host),
          ALPNProtocols: ['h2'],
        });
  socket.setNoDelay(true);
  // notices a server that vanished while the session sat idle between probes
  socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
  return socket;
}
