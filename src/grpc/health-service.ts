/**
 * `addHealthService(server, probes)`: the standard `grpc.health.v1.Health` service (`Check`,
 * `Watch`, `List`) on a grpc-js server, answered from the probes' own checks (SPEC §8).
 */
import { InvalidOptionError } from '../core/errors.js';
import { describe } from '../core/options.js';
import type { Probes, ProbesInternals } from '../core/probes.js';
import { HEALTH_DEFINITION } from './_health-definition.js';
import { listStatuses, MAX_LIST_SIZE, PROBE_SERVICES, serviceStatus } from './_service-status.js';
import { StatusWatch } from './_status-watch.js';
import { rememberHealthService } from './_watch-registry.js';
import { INTERNAL, NOT_FOUND, RESOURCE_EXHAUSTED, UNAVAILABLE } from './_status-codes.js';
import type { GrpcServerLike, HealthCheckRequest, HealthCheckResponse, HealthImplementation, HealthListResponse, StreamingCall, UnaryCallback } from './types.js';

/**
 * Adds the standard gRPC health service, `grpc.health.v1.Health` (`Check`, `Watch`, `List`), to
 * a grpc-js server, answered from the same checks as the HTTP probes; returns a function that
 * ends every open `Watch` stream.
 *
 * Kubernetes' own gRPC probes (`grpc: { port: 50051, service: readiness }`),
 * grpc-health-probe and any standard health client read it. Service names: `""` and
 * `readiness` are the readiness probe, `liveness` and `startup` theirs, and a check's name is
 * that check alone. A probe that passes, or a check that passes or only warns, is `SERVING`;
 * anything else `NOT_SERVING`, and readiness (`""` too) is `NOT_SERVING` from `drain()` on,
 * so `gracefulShutdown` takes the pod out of its Service. A call runs the checks through the
 * same runners as the HTTP probes: a gRPC `Check` and an HTTP probe at the same moment run
 * each check once. `Check` of an unknown name fails with `NOT_FOUND`; `Watch` sends
 * `SERVICE_UNKNOWN` and stays open. `Watch` sends the current status at once and then every
 * change: the checks run about once a second while someone watches (shared by every watcher
 * of a name), and a `drain()`, `markBroken()` or `markReady()` is sent at once. `List`
 * returns every name with its status.
 *
 * A `Watch` never ends by itself, and grpc-js's `tryShutdown()` waits for every open call:
 * `gracefulShutdown(server)` ends them before its `tryShutdown()`; call the returned function
 * first when you shut the server down yourself (later `Watch` calls end at once with
 * `UNAVAILABLE`, and the clients watch again elsewhere). Nothing is
 * imported from `@grpc/grpc-js`: the definition and the protobuf codec are shipshape's own.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when `server` has no `addService`
 *   or `probes` is not a `createProbes()` result; whatever `addService` throws (a server that
 *   already has a health service: `Method handler for /grpc.health.v1.Health/Check already provided.`).
 *
 * @example
 * ```ts
 * import { Server, ServerCredentials } from '@grpc/grpc-js';
 * import { createProbes } from 'shipshape';
 * import { addHealthService } from 'shipshape/grpc';
 *
 * const probes = createProbes({ readiness: { api: async () => {} } });
 * const server = new Server();
 * addHealthService(server, probes);
 * server.bindAsync('0.0.0.0:50051', ServerCredentials.createInsecure(), () => {});
 * ```
 */
export function addHealthService(server: GrpcServerLike, probes: Probes): () => void {
  if (typeof (server as Partial<GrpcServerLike> | null)?.addService !== 'function') {
    throw new InvalidOptionError(`Expected \`server\` to be a grpc-js Server (an object with addService()), got ${describe(server)}`);
  }
  const internals = probes as Partial<ProbesInternals> | null | undefined;
  if (typeof internals?.check !== 'function' || typeof internals.checkOne !== 'function' || typeof internals.subscribe !== 'function') {
    throw new InvalidOptionError(`Expected \`probes\` to be the result of createProbes(), got ${describe(probes)}`);
  }
  const service = new HealthService(internals as ProbesInternals);
  server.addService(HEALTH_DEFINITION, service.implementation());
  rememberHealthService(server, endHealthWatches);
  return endHealthWatches;
  function endHealthWatches(): void {
    service.end();
  }
}

// --- internal ---

/** The handlers of one server's health service and its open watches. */
class HealthService {
  readonly #probes: ProbesInternals;
  /** One shared watch per probe or check watched: `""` and `readiness` share one. */
  readonly #watches = new Map<string, StatusWatch>();
  /** Every open `Watch` call, with the function that takes it off its watch. */
  readonly #calls = new Map<StreamingCall<HealthCheckRequest, HealthCheckResponse>, () => void>();
  #stopListening: (() => void) | undefined;
  #ended = false;

  constructor(probes: ProbesInternals) {
    this.#probes = probes;
  }

  implementation(): HealthImplementation {
    return {
      Check: (call, callback) => void this.#check(call.request.service, callback),
      Watch: (call) => this.#watch(call),
      List: (_call, callback) => void this.#list(callback),
    };
  }

  end(): void {
    this.#ended = true;
    for (const [call, leave] of [...this.#calls]) {
      leave(); // first, so that no status is written after the end
      call.end();
    }
  }

  async #check(service: string, callback: UnaryCallback<HealthCheckResponse>): Promise<void> {
    try {
      const status = await serviceStatus(this.#probes, service);
      if (status === undefined) callback({ code: NOT_FOUND, details: `unknown service ${JSON.stringify(service)}` });
      else callback(null, { status });
    } catch {
      // the probes never reject; an answer is owed all the same
      callback({ code: INTERNAL, details: 'health check failed' });
    }
  }

  async #list(callback: UnaryCallback<HealthListResponse>): Promise<void> {
    try {
      const statuses = await listStatuses(this.#probes);
      if (statuses.size > MAX_LIST_SIZE) callback({ code: RESOURCE_EXHAUSTED, details: `${statuses.size} services, more than ${MAX_LIST_SIZE}` });
      else callback(null, { statuses: Object.fromEntries([...statuses].map(([name, status]) => [name, { status }])) });
    } catch {
      callback({ code: INTERNAL, details: 'health check failed' });
    }
  }

  #watch(call: StreamingCall<HealthCheckRequest, HealthCheckResponse>): void {
    if (this.#ended) {
      call.emit('error', { code: UNAVAILABLE, details: 'the health service is shutting down' });
      return;
    }
    const { service } = call.request;
    const key = watchKey(service);
    let watch = this.#watches.get(key);
    if (!watch) {
      const created = new StatusWatch(
        () => serviceStatus(this.#probes, service).then((status) => status ?? 'SERVICE_UNKNOWN', () => 'NOT_SERVING'),
        () => this.#idle(key, created),
      );
      watch = created;
      this.#watches.set(key, watch);
      // "at once on drain() or markBroken()" (SPEC §8): the probes' state events say when
      this.#stopListening ??= this.#probes.subscribe((event) => {
        if (event.type === 'state') this.#pokeAll();
      });
    }
    const remove = watch.add((status) => call.write({ status }));
    const leave = (): void => {
      this.#calls.delete(call);
      remove();
    };
    this.#calls.set(call, leave);
    call.on('cancelled', leave);
    call.on('close', leave);
  }

  #pokeAll(): void {
    for (const watch of this.#watches.values()) watch.poke();
  }

  #idle(key: string, watch: StatusWatch): void {
    if (this.#watches.get(key) === watch) this.#watches.delete(key);
    if (this.#watches.size === 0) {
      this.#stopListening?.();
      this.#stopListening = undefined;
    }
  }
}

/** `""` and `readiness` name the same probe, so their watchers share one watch. */
function watchKey(service: string): string {
  const probe = PROBE_SERVICES.get(service);
  return probe === undefined ? `check:${service}` : `probe:${probe}`;
}
