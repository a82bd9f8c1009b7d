/**
 * The shapes of `shipshape/grpc`: the serving statuses of `grpc.health.v1`, and the parts of
 * grpc-js that the health service meets, declared here (structurally) so that shipshape's
 * types never depend on `@grpc/grpc-js`.
 */

/** A serving status as `grpc.health.v1.HealthCheckResponse.ServingStatus` names it. */
export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

/**
 * The part of a grpc-js `Server` that `addHealthService` uses: what NestJS hands to
 * `onLoadPackageDefinition` (`Pick<Server, 'addService'>`) is enough.
 */
export interface GrpcServerLike {
  // grpc-js's own parameter types (ServiceDefinition, UntypedServiceImplementation) are wider
  // than what is passed here; a method's parameters are compared both ways, so a grpc-js
  // Server fits this
  addService(service: HealthServiceDefinition, implementation: HealthImplementation): void;
}

/** One method of a grpc-js `ServiceDefinition` (its `MethodDefinition`). */
export interface MethodDefinition<Request, Response> {
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  readonly requestSerialize: (value: Request) => Buffer;
  readonly requestDeserialize: (bytes: Buffer) => Request;
  readonly responseSerialize: (value: Response) => Buffer;
  readonly responseDeserialize: (bytes: Buffer) => Response;
  readonly originalName: string;
}

/**
 * The messages of `grpc.health.v1` as JavaScript objects, shaped as `@grpc/proto-loader` (and
 * so `grpc-health-check`) shapes them: `{ service }`, `{ status }`, `{ statuses }`.
 */
export interface HealthCheckRequest {
  readonly service: string;
}
export interface HealthCheckResponse {
  readonly status: ServingStatus;
}
export type HealthListRequest = Readonly<Record<string, never>>;
export interface HealthListResponse {
  readonly statuses: Readonly<Record<string, HealthCheckResponse>>;
}

// The two below are type literals, not interfaces: a literal fits grpc-js's index-signature
// types (`ServiceDefinition`, `UntypedServiceImplementation`), an interface would not.

/** The health service's definition. */
export type HealthServiceDefinition = {
  readonly Check: MethodDefinition<HealthCheckRequest, HealthCheckResponse>;
  readonly Watch: MethodDefinition<HealthCheckRequest, HealthCheckResponse>;
  readonly List: MethodDefinition<HealthListRequest, HealthListResponse>;
};

/** The handlers given to `addService`, as grpc-js calls them. */
export type HealthImplementation = {
  readonly Check: (call: UnaryCall<HealthCheckRequest>, callback: UnaryCallback<HealthCheckResponse>) => void;
  readonly Watch: (call: StreamingCall<HealthCheckRequest, HealthCheckResponse>) => void;
  readonly List: (call: UnaryCall<HealthListRequest>, callback: UnaryCallback<HealthListResponse>) => void;
};

/** A grpc-js unary call, as far as the handlers read it. */
export interface UnaryCall<Request> {
  readonly request: Request;
}

/** A grpc-js unary callback: an error status, or the response. */
export type UnaryCallback<Response> = (error: { code: number; details: string } | null, value?: Response) => void;

/** A grpc-js server-streaming call, as far as `Watch` uses it. */
export interface StreamingCall<Request, Response> {
  readonly request: Request;
  write(message: Response): unknown;
  end(): unknown;
  emit(event: 'error', status: { code: number; details: string }): unknown;
  on(event: 'cancelled' | 'close', listener: () => void): unknown;
}
