/**
 * A `@grpc/grpc-js` `Server` as a shutdown target (SPEC §4). Readiness fails at the signal
 * through the probes (the health service of `shipshape/grpc` answers `NOT_SERVING` from
 * `drain()` on) and the server serves on during `delayMs`; then `tryShutdown()`: the server
 * stops accepting, sends GOAWAY on every connection (the clients take their next calls
 * elsewhere), and calls back once the calls in flight have finished. At `timeoutMs`,
 * `forceShutdown()` cancels what is left (exit 1).
 *
 * A health `Watch` never ends by itself and `tryShutdown()` waits for every open call, so
 * the watches of the server's health service (`addHealthService`) are ended first: their
 * clients hear the status `OK` and watch again, elsewhere.
 *
 * grpc-js counts neither its connections nor its calls in public: the count in the log lines
 * is that of its open HTTP/2 sessions (its private `sessions` map), 0 on a version without it.
 * Nothing is imported from grpc-js: the server is recognized by its shape.
 */
import { endHealthWatches } from '../../../grpc/_watch-registry.js';
import type { ShutdownKind, ShutdownTarget } from '../target.js';
import { hasMethods } from '../../internal/shape.js';

/** The part of a grpc-js `Server` that shutdown uses. */
export interface GrpcServerShutdownLike {
  tryShutdown(callback: (error?: Error) => void): void;
  forceShutdown(): void;
  bindAsync(port: string, credentials: never, callback: never): void;
  addService(service: never, implementation: never): void;
}

/** grpc-js servers. */
export const grpcKind: ShutdownKind = {
  accepts: 'a grpc-js Server',
  target: (server) => (isGrpcServer(server) ? grpcServerTarget(server) : undefined),
};

// --- internal ---

function isGrpcServer(value: unknown): value is GrpcServerShutdownLike {
  return hasMethods(value, 'tryShutdown', 'forceShutdown', 'bindAsync', 'addService');
}

/** The shutdown timeline on a grpc-js server: `tryShutdown()` at stop, `forceShutdown()` at `timeoutMs`. */
function grpcServerTarget(server: GrpcServerShutdownLike): ShutdownTarget {
  let closed: Promise<void> | undefined;
  return {
    label: 'gRPC server',
    drain: () => {},
    stop() {
      endHealthWatches(server);
      closed ??= new Promise<void>((resolve, reject) => server.tryShutdown((error) => (error ? reject(error) : resolve())));
      closed.catch(() => {}); // reported by settled()
      return openSessions(server);
    },
    settled: () => closed ?? Promise.resolve(),
    destroy() {
      const left = openSessions(server);
      server.forceShutdown();
      return left;
    },
    dispose: () => {},
  };
}

function openSessions(server: object): number {
  const sessions = (server as { sessions?: unknown }).sessions;
  return sessions instanceof Map ? sessions.size : 0;
}
