/**
 * The hand-written codec of grpc.health.v1 against protobufjs, through the serializers that
 * @grpc/proto-loader builds from the upstream health.proto shipped in `grpc-health-check`:
 * each side decodes what the other encodes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { service as upstream } from 'grpc-health-check';
import {
  decodeCheckRequest,
  decodeCheckResponse,
  decodeListResponse,
  encodeCheckRequest,
  encodeCheckResponse,
  encodeListResponse,
  statusName,
} from '../../src/grpc/_health-proto.js';
import type { ServingStatus } from '../../src/grpc/types.js';

type Method = { requestSerialize(value: object): Buffer; requestDeserialize(bytes: Buffer): any; responseSerialize(value: object): Buffer; responseDeserialize(bytes: Buffer): any };
const Check = upstream.Check as unknown as Method;
const List = upstream.List as unknown as Method;
const STATUSES: ServingStatus[] = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

describe('grpc.health.v1 codec', () => {
  it('encodes HealthCheckRequest byte for byte as protobufjs does, and decodes what it encodes', () => {
    for (const service of ['', 'readiness', 'payments.v1.Payments', 'ünïcödé', 'x'.repeat(300)]) {
      // protobufjs writes a default ("") out, proto3 may leave it out: both decode the same
      if (service !== '') assert.deepEqual(encodeCheckRequest(service), Check.requestSerialize({ service }), service);
      assert.equal(decodeCheckRequest(Check.requestSerialize({ service })), service);
      assert.equal(Check.requestDeserialize(encodeCheckRequest(service)).service, service);
    }
  });

  it('encodes every ServingStatus as protobufjs does, and decodes what it encodes', () => {
    for (const [number, status] of STATUSES.entries()) {
      if (number !== 0) assert.deepEqual(encodeCheckResponse(status), Check.responseSerialize({ status }), status);
      assert.equal(Check.responseDeserialize(encodeCheckResponse(status)).status, status);
      assert.equal(decodeCheckResponse(Check.responseSerialize({ status })), number);
      assert.equal(statusName(decodeCheckResponse(encodeCheckResponse(status))), status);
    }
  });

  it('round-trips HealthListResponse, the "" key included, with protobufjs both ways', () => {
    const statuses = new Map<string, ServingStatus>([['', 'SERVING'], ['readiness', 'NOT_SERVING'], ['db', 'SERVING'], ['unknown', 'UNKNOWN']]);
    const ours = encodeListResponse(statuses);
    const theirs = List.responseDeserialize(ours) as { statuses: Record<string, { status: string }> };
    assert.deepEqual(theirs.statuses, Object.fromEntries([...statuses].map(([name, status]) => [name, { status }])));
    const back = decodeListResponse(List.responseSerialize({ statuses: theirs.statuses }));
    assert.deepEqual([...back].map(([name, number]) => [name, statusName(number)]).sort(), [...statuses].sort());
  });

  it('skips fields it does not know, of every wire type, and keeps a status number it does not know', () => {
    // field 2 varint 300, field 3 fixed64, field 4 bytes "hi", field 5 fixed32, then status 7
    const bytes = Buffer.from([0x10, 0xac, 0x02, 0x19, 1, 2, 3, 4, 5, 6, 7, 8, 0x22, 0x02, 0x68, 0x69, 0x2d, 1, 2, 3, 4, 0x08, 0x07]);
    assert.equal(decodeCheckResponse(bytes), 7);
    assert.equal(statusName(7), 'status 7');
    assert.equal(decodeCheckRequest(Buffer.from([0x10, 0x01, 0x0a, 0x01, 0x61])), 'a');
  });

  it('reads a negative enum (ten bytes) as protobuf does, and refuses malformed input', () => {
    assert.equal(decodeCheckResponse(Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])), -1);
    assert.throws(() => decodeCheckRequest(Buffer.from([0x0a, 0x05, 0x61])), /truncated/);
    assert.throws(() => decodeCheckResponse(Buffer.from([0x08])), /truncated/);
    assert.throws(() => decodeCheckResponse(Buffer.from([0x0b])), /wire type 3/);
    assert.throws(() => decodeCheckResponse(Buffer.from([0x00, 0x00])), /field number 0/);
    assert.throws(() => decodeCheckResponse(Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])), /longer than ten bytes/);
  });
});
