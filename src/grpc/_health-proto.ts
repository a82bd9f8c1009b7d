/**
 * The messages of `grpc.health.v1` in protobuf's wire format, encoded and decoded by hand.
 *
 * The health proto is small and fixed (grpc/grpc-proto, `grpc/health/v1/health.proto`):
 *
 * ```proto
 * message HealthCheckRequest { string service = 1; }
 * message HealthCheckResponse { ServingStatus status = 1; }  // UNKNOWN 0, SERVING 1, NOT_SERVING 2, SERVICE_UNKNOWN 3
 * message HealthListRequest {}
 * message HealthListResponse { map<string, HealthCheckResponse> statuses = 1; }
 * ```
 *
 * so a few lines of the wire format (https://protobuf.dev/programming-guides/encoding/)
 * replace loading a `.proto` at run time (`@grpc/proto-loader`, protobufjs): no dependency,
 * nothing parsed at start, and the `probe --grpc` exec probe starts as fast as node. Decoders
 * skip fields they do not know, as every protobuf parser must (a newer peer may send more).
 */

import type { ServingStatus } from './types.js';

/** The statuses of `HealthCheckResponse.ServingStatus`, by number. */
export const SERVING_STATUSES: readonly ServingStatus[] = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** The full name of the service, and the paths of its methods (gRPC over HTTP/2: `/package.Service/Method`). */
export const HEALTH_SERVICE = 'grpc.health.v1.Health';
export const CHECK_PATH = `/${HEALTH_SERVICE}/Check`;
export const WATCH_PATH = `/${HEALTH_SERVICE}/Watch`;
export const LIST_PATH = `/${HEALTH_SERVICE}/List`;

/** The name of a status number; a number the proto does not define (a newer peer's) is shown as such. */
export function statusName(status: number): string {
  return SERVING_STATUSES[status] ?? `status ${status}`;
}

/** `HealthCheckRequest { service }`. */
export function encodeCheckRequest(service: string): Buffer {
  // proto3 leaves a field at its default ("") out of the message
  return service === '' ? Buffer.alloc(0) : lengthDelimited(1, Buffer.from(service, 'utf8'));
}

/** The `service` of a `HealthCheckRequest`. */
export function decodeCheckRequest(bytes: Uint8Array): string {
  let service = '';
  forEachField(bytes, (field, reader) => {
    if (field === 1 && reader.wireType === LEN) service = reader.string();
    else reader.skip();
  });
  return service;
}

/** `HealthCheckResponse { status }`. */
export function encodeCheckResponse(status: ServingStatus): Buffer {
  return Buffer.from(checkResponseBytes(status));
}

/** The status number of a `HealthCheckResponse` (see {@link statusName}). */
export function decodeCheckResponse(bytes: Uint8Array): number {
  let status = 0;
  forEachField(bytes, (field, reader) => {
    if (field === 1 && reader.wireType === VARINT) status = reader.int32();
    else reader.skip();
  });
  return status;
}

/** `HealthListResponse { statuses }`: a map is a repeated entry message `{ string key = 1; V value = 2; }`. */
export function encodeListResponse(statuses: Iterable<readonly [string, ServingStatus]>): Buffer {
  const entries: Buffer[] = [];
  for (const [name, status] of statuses) {
    const key = name === '' ? Buffer.alloc(0) : lengthDelimited(1, Buffer.from(name, 'utf8'));
    entries.push(lengthDelimited(1, Buffer.concat([key, lengthDelimited(2, Buffer.from(checkResponseBytes(status)))])));
  }
  return Buffer.concat(entries);
}

/** The statuses of a `HealthListResponse`, by service name (a later duplicate key wins, as protobuf says). */
export function decodeListResponse(bytes: Uint8Array): Map<string, number> {
  const statuses = new Map<string, number>();
  forEachField(bytes, (field, reader) => {
    if (field !== 1 || reader.wireType !== LEN) return reader.skip();
    let key = '';
    let status = 0;
    forEachField(reader.bytes(), (entryField, entry) => {
      if (entryField === 1 && entry.wireType === LEN) key = entry.string();
      else if (entryField === 2 && entry.wireType === LEN) status = decodeCheckResponse(entry.bytes());
      else entry.skip();
    });
    statuses.set(key, status);
  });
  return statuses;
}

/** `HealthListRequest {}`: any fields a newer client sends are ignored. */
export function decodeListRequest(bytes: Uint8Array): void {
  forEachField(bytes, (_field, reader) => reader.skip());
}

// --- internal ---

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

// A status is one byte past its tag; encoded once per status, reused for every answer.
const RESPONSES = SERVING_STATUSES.map((_, number) => Uint8Array.from(number === 0 ? [] : [(1 << 3) | VARINT, number]));

function checkResponseBytes(status: ServingStatus): Uint8Array {
  return RESPONSES[SERVING_STATUSES.indexOf(status)] ?? RESPONSES[0]!;
}

function lengthDelimited(field: number, payload: Uint8Array): Buffer {
  return Buffer.concat([varint((field << 3) | LEN), varint(payload.length), payload]);
}

function varint(value: number): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

/** Calls `visit` for every field of a message; `visit` must consume the field (read or skip). */
function forEachField(bytes: Uint8Array, visit: (field: number, reader: FieldReader) => void): void {
  const reader = new FieldReader(bytes);
  while (reader.more()) {
    const tag = reader.varint();
    const field = Math.floor(tag / 8);
    if (field === 0) throw new Error('invalid protobuf: field number 0');
    reader.wireType = tag & 7;
    visit(field, reader);
  }
}

class FieldReader {
  wireType = VARINT;
  #pos = 0;
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  more(): boolean {
    return this.#pos < this.#bytes.length;
  }

  /** An unsigned varint up to 2^53 (lengths, tags); larger ones are refused. */
  varint(): number {
    const { low, high } = this.#varint64();
    if (high >= 2 ** 21) throw new Error('invalid protobuf: varint out of range');
    return high * 2 ** 32 + low;
  }

  /** An `int32`/enum varint: its low 32 bits, signed (a negative one takes ten bytes). */
  int32(): number {
    return this.#varint64().low | 0;
  }

  bytes(): Uint8Array {
    const length = this.varint();
    const end = this.#pos + length;
    if (end > this.#bytes.length) throw new Error('invalid protobuf: truncated field');
    const slice = this.#bytes.subarray(this.#pos, end);
    this.#pos = end;
    return slice;
  }

  string(): string {
    return Buffer.from(this.bytes()).toString('utf8');
  }

  skip(): void {
    if (this.wireType === VARINT) this.#varint64();
    else if (this.wireType === LEN) this.bytes();
    else if (this.wireType === I64 || this.wireType === I32) this.#advance(this.wireType === I64 ? 8 : 4);
    else throw new Error(`invalid protobuf: wire type ${this.wireType}`); // groups (3, 4) are not proto3
  }

  #advance(count: number): void {
    if (this.#pos + count > this.#bytes.length) throw new Error('invalid protobuf: truncated field');
    this.#pos += count;
  }

  /** Up to ten bytes, seven bits each, least significant first; kept as two 32-bit halves so no bit is lost. */
  #varint64(): { low: number; high: number } {
    let low = 0;
    let high = 0;
    for (let index = 0; index < 10; index += 1) {
      if (this.#pos >= this.#bytes.length) throw new Error('invalid protobuf: truncated varint');
      const byte = this.#bytes[this.#pos++]!;
      const bits = byte & 0x7f;
      if (index < 4) low |= bits << (7 * index);
      else if (index === 4) {
        low |= (bits & 0x0f) << 28;
        high = bits >> 4;
      } else high |= bits << (7 * index - 32);
      if ((byte & 0x80) === 0) return { low: low >>> 0, high: high >>> 0 };
    }
    throw new Error('invalid protobuf: varint longer than ten bytes');
  }
}
