/**
 * @module shipshape/grpc
 *
 * The standard gRPC health service (`grpc.health.v1.Health`) on a grpc-js server, answered
 * from the same checks as the HTTP probes. The client side, the `grpc()` check, is in
 * `shipshape`.
 */
export { addHealthService } from './grpc/health-service.js';
export type { GrpcServerLike, ServingStatus } from './grpc/types.js';
