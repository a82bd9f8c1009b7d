/**
 * The `grpc.health.v1.Health` service as a grpc-js `ServiceDefinition`: its three methods,
 * their paths, and (de)serializers built on the hand-written codec of `_health-proto.ts`, so
 * that `server.addService()` needs neither a `.proto` file nor `@grpc/proto-loader`.
 *
 * Messages are objects shaped as proto-loader shapes them (`{ service }`, `{ status }`,
 * `{ statuses }`): grpc-js also takes a falsy request (`""`) for no request at all
 * ("Received no request message"), and a client built on this definition reads the same
 * objects as one built on `grpc-health-check`'s. grpc-js takes a method's implementation by
 * the definition's key (`Check`) or by its `originalName` (`check`); both are given.
 */
import {
  CHECK_PATH,
  decodeCheckRequest,
  decodeCheckResponse,
  decodeListRequest,
  decodeListResponse,
  encodeCheckRequest,
  encodeCheckResponse,
  encodeListResponse,
  LIST_PATH,
  SERVING_STATUSES,
  WATCH_PATH,
} from './_health-proto.js';
import type { HealthCheckRequest, HealthCheckResponse, HealthListResponse, HealthServiceDefinition, MethodDefinition, ServingStatus } from './types.js';

/** The definition; frozen, shared by every server. */
export const HEALTH_DEFINITION: HealthServiceDefinition = Object.freeze({
  Check: checkMethod(CHECK_PATH, 'check', false),
  Watch: checkMethod(WATCH_PATH, 'watch', true),
  List: Object.freeze({
    path: LIST_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: () => Buffer.alloc(0),
    requestDeserialize: (bytes: Buffer) => (decodeListRequest(bytes), {}),
    responseSerialize: (response: HealthListResponse) =>
      encodeListResponse(Object.entries(response.statuses).map(([name, { status }]) => [name, status] as const)),
    responseDeserialize: (bytes: Buffer): HealthListResponse => ({
      statuses: Object.fromEntries([...decodeListResponse(bytes)].map(([name, status]) => [name, { status: knownStatus(status) }])),
    }),
    originalName: 'list',
  }),
});

// --- internal ---

function checkMethod(path: string, originalName: string, responseStream: boolean): MethodDefinition<HealthCheckRequest, HealthCheckResponse> {
  return Object.freeze({
    path,
    requestStream: false,
    responseStream,
    requestSerialize: (request: HealthCheckRequest) => encodeCheckRequest(request.service),
    requestDeserialize: (bytes: Buffer): HealthCheckRequest => ({ service: decodeCheckRequest(bytes) }),
    responseSerialize: (response: HealthCheckResponse) => encodeCheckResponse(response.status),
    responseDeserialize: (bytes: Buffer): HealthCheckResponse => ({ status: knownStatus(decodeCheckResponse(bytes)) }),
    originalName,
  });
}

/** A status number that the proto does not define (a newer peer's) reads as `UNKNOWN`, as an unknown enum value does in proto-loader. */
function knownStatus(status: number): ServingStatus {
  return SERVING_STATUSES[status] ?? 'UNKNOWN';
}
