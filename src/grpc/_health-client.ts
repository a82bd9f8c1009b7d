/**
 * The client side of `grpc.health.v1.Health/Check`, on node:http2 alone: the `grpc()` check,
 * and later `shipshape probe --grpc` and `wait4 grpc://`, all call it through
 * {@link GrpcHealthClient}. No `@grpc/grpc-js`: an exec probe must start nearly as fast as
 * node itself, and a unary call is a few lines of the protocol
 * (grpc/grpc `doc/PROTOCOL-HTTP2.md`): a `POST /grpc.health.v1.Health/Check` with
 * `content-type: application/grpc` and `te: trailers`, one length-prefixed message each
 * way, and the outcome in the `grpc-status` / `grpc-message` trailers (or in the headers of a
 * trailers-only response, as servers send errors).
 *
 * One HTTP/2 session is opened on the first call and kept for the next ones, through the
 * shared {@link OwnedConnection} lifecycle: destroyed when a call's signal aborts, thrown
 * away after a failure or a `GOAWAY` (the next call opens a fresh one), closed by `close()`.
 */
import type { ClientHttp2Session, IncomingHttpHeaders } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { KEEPALIVE_DELAY_MS, OwnedConnection, type ConnectionDriver } from '../core/internal/owned-connection.js';
import { InvalidOptionError } from '../core/errors.js';
import { describe } from '../core/options.js';
import { parseHostPort, type HostPort } from '../checks/_host-port.js';
import { CHECK_PATH, decodeCheckResponse, encodeCheckRequest } from './_health-proto.js';
import { codeName } from './_status-codes.js';

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

/** A call that reached the server and ended with a status other than `OK`. Never retried. */
export class GrpcCallError extends Error {
  readonly code: number;
  constructor(code: number, details: string) {
    super(`Health/Check failed: ${codeName(code)}${details === '' ? '' : `: ${details}`}`);
    this.code = code;
  }
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

// The answer is one small message; anything much larger is no health server.
const MAX_RESPONSE_BYTES = 64 * 1024;
// grpc-timeout: at most 8 digits, here in milliseconds (PROTOCOL-HTTP2.md)
const MAX_TIMEOUT_MS = 99_999_999;

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

/** One `Health/Check` call on `session`; resolves to the answer's status number, or the error status it ended with. */
function unaryCheck(session: ClientHttp2Session, service: string, deadlineMs: number | undefined): Promise<number | GrpcCallError> {
  return new Promise<number | GrpcCallError>((resolve, reject) => {
    const headers: Record<string, string> = {
      ':method': 'POST',
      ':path': CHECK_PATH,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-accept-encoding': 'identity',
      'user-agent': 'shipshape',
    };
    if (deadlineMs !== undefined && deadlineMs > 0 && deadlineMs <= MAX_TIMEOUT_MS) headers['grpc-timeout'] = `${Math.ceil(deadlineMs)}m`;
    const stream = session.request(headers);
    const chunks: Buffer[] = [];
    let received = 0;
    let httpStatus: number | undefined;
    let status: IncomingHttpHeaders | undefined;
    let failure: Error | undefined;
    stream.on('response', (response) => {
      httpStatus = Number(response[':status']);
      // a trailers-only response (how servers answer errors) has its status in the headers
      if (response['grpc-status'] !== undefined) status = response;
    });
    stream.on('trailers', (trailers) => {
      status = trailers;
    });
    stream.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_RESPONSE_BYTES) {
        failure ??= new Error(`answer larger than ${MAX_RESPONSE_BYTES} bytes`);
        stream.close();
      } else chunks.push(chunk);
    });
    stream.on('error', (error) => {
      failure ??= error;
    });
    stream.on('close', () => {
      try {
        if (failure) throw failure;
        resolve(outcome(httpStatus, status, Buffer.concat(chunks), stream.rstCode));
      } catch (error) {
        reject(error as Error);
      }
    });
    stream.end(frame(encodeCheckRequest(service)));
  });
}

/** What a finished call says: its status or error status, or (thrown) why there is none. */
function outcome(httpStatus: number | undefined, status: IncomingHttpHeaders | undefined, body: Buffer, rstCode: number | undefined): number | GrpcCallError {
  if (status === undefined) {
    if (httpStatus !== undefined && httpStatus !== 200) throw new Error(`HTTP ${httpStatus}: not a gRPC answer`);
    throw new Error(`call ended without a grpc-status${rstCode ? ` (HTTP/2 reset, code ${rstCode})` : ''}`);
  }
  const code = Number(status['grpc-status']);
  if (!Number.isInteger(code)) throw new Error('invalid grpc-status');
  if (code !== 0) return new GrpcCallError(code, grpcMessage(status['grpc-message']));
  return decodeCheckResponse(unframe(body));
}

/** A gRPC message on the wire: a compressed flag (0), its length (uint32, big-endian), the bytes. */
function frame(message: Buffer): Buffer {
  const out = Buffer.alloc(5 + message.length);
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
}

function unframe(body: Buffer): Buffer {
  if (body.length < 5) throw new Error('answer without a message');
  if (body[0] !== 0) throw new Error('compressed answer (none was accepted)');
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length) throw new Error('malformed answer: not one message');
  return body.subarray(5);
}

/** `grpc-message` is percent-encoded UTF-8 (PROTOCOL-HTTP2.md). */
function grpcMessage(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value.join(', ') : (value ?? '');
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
