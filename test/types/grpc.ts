/**
 * Type tests for `shipshape/grpc` and the `grpc()` check, checked by `npm run typecheck`
 * (never run): a grpc-js `Server`, and what NestJS hands to `onLoadPackageDefinition`, fit
 * `addHealthService` without shipshape's types naming `@grpc/grpc-js`.
 */
import { Server } from '@grpc/grpc-js';
import http from 'node:http';
import { createProbes, gracefulShutdown, grpc, type CheckSpec } from '../../src/index.js';
import { addHealthService, type GrpcServerLike } from '../../src/grpc.js';

const probes = createProbes({ readiness: { payments: grpc('payments:50051', { service: 'payments.v1.Payments', tls: { ca: 'PEM' } }) } });
const end: () => void = addHealthService(new Server(), probes);
void end;
const nestServer: Pick<Server, 'addService'> = new Server();
addHealthService(nestServer, probes);
const structural: GrpcServerLike = new Server();
void structural;
const spec: CheckSpec = grpc('[::1]:50051', { tls: true, timeoutMs: 500, critical: false, cacheMs: 1000 });
void spec;

// gracefulShutdown takes a grpc-js Server, alone or with HTTP servers
gracefulShutdown(new Server(), { probes });
gracefulShutdown([http.createServer(), new Server()], { probes });

// @ts-expect-error — the server comes first
addHealthService(probes, new Server());
// @ts-expect-error — an object without addService is no server
addHealthService({ add: () => {} }, probes);
// @ts-expect-error — the service is a string
grpc('payments:50051', { service: 1 });
// @ts-expect-error — tls is a boolean or node:tls options
grpc('payments:50051', { tls: 'on' });
