/**
 * One `grpc.health.v1.Health/Check` call on an HTTP/2 session, as gRPC puts it on the wire
 * (grpc/grpc `doc/PROTOCOL-HTTP2.md`): a `POST` of one length-prefixed message with
 * `content-type: application/grpc` and `te: trailers`, one message back, and the outcome in
 * the `grpc-status` / `grpc-message` trailers — or in the headers of a trailers-only response,
 * as servers send errors. The session and its lifecycle are `_health-client.ts`.
 */
import type { ClientHttp2Session, IncomingHttpHeaders } from 'node:http2';
import { CHECK_PATH, decodeCheckResponse, encodeCheckRequest } from './_health-proto.js';
import { codeName } from './_status-codes.js';

/** A call that reached the server and ended with a status other than `OK`: an answer, over a sound connection. */
export class GrpcCallError extends Error {
  readonly code: number;
  constructor(code: number, details: string) {
    super(`Health/Check failed: ${codeName(code)}${details === '' ? '' : `: ${details}`}`);
    this.code = code;
  }
}

// The answer is one small message; anything much larger is no health server.
const MAX_RESPONSE_BYTES = 64 * 1024;
// grpc-timeout: at most 8 digits, here in milliseconds (PROTOCOL-HTTP2.md)
const MAX_TIMEOUT_MS = 99_999_999;

/** One `Health/Check` call on `session`; resolves to the answer's status number, or the error status it ended with. */
export function unaryCheck(session: ClientHttp2Session, service: string, deadlineMs: number | undefined): Promise<number | GrpcCallError> {
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

// --- internal ---

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
