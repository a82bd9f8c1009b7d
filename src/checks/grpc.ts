/**
 * The `grpc()` check: `grpc.health.v1.Health/Check` answers `SERVING`.
 */
import type { CheckSpec, CheckSpecOptions, Observation } from '../core/check.js';
import { InvalidOptionError, NotReady } from '../core/errors.js';
import { describe, resolveOptions } from '../core/options.js';
import type { ConnectionOptions } from 'node:tls';
import { GrpcHealthClient, parseGrpcTarget } from '../grpc/_health-client.js';
import { SERVING_STATUSES, statusName } from '../grpc/_health-proto.js';
import { checkSpec, validateCheckOptions } from './_check-spec.js';
import { roundTrip } from './_round-trip.js';

/** Options of {@link grpc}. */
export interface GrpcOptions extends CheckSpecOptions {
  /** The service name asked about; `""` is the server's overall health. @defaultValue `DEFAULTS.service` */
  readonly service?: string;
  /**
   * Connect with TLS: `true` trusts the system's CAs; an object is node:tls options (`ca` for a
   * private CA, `cert` and `key` for mutual TLS, `servername`, …).
   * @defaultValue `DEFAULTS.tls` (plaintext, as the kubelet's own gRPC probe)
   */
  readonly tls?: boolean | ConnectionOptions;
}

interface ResolvedGrpcOptions {
  readonly service: string;
  readonly tls: boolean | ConnectionOptions;
}

const DEFAULTS: ResolvedGrpcOptions = { service: '', tls: false };

/**
 * Checks that a gRPC server's standard health service (`grpc.health.v1.Health/Check`) answers
 * `SERVING` for `service`, and reports the round trip in ms.
 *
 * For a dependency that is a gRPC service: any server with the standard health service
 * (grpc-js with `grpc-health-check` or shipshape's `addHealthService`, grpc-go, grpc-java,
 * Envoy, …). Another status fails naming it (`service "" is NOT_SERVING`); an unknown
 * service fails with the server's `NOT_FOUND`. The check speaks HTTP/2 itself (no
 * `@grpc/grpc-js` needed): it opens one connection on its first run and keeps it for the
 * next ones, destroys it at the check's timeout, opens a fresh one after a failure or when the
 * server says `GOAWAY` (a restarted server is picked up by the next probe), and closes it at
 * `probes.close()`. Its idle connection never keeps the process alive.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) for a target that is not
 *   `host:port`, a `service` that is not a string, a `tls` that is neither a boolean nor an
 *   object, or an unknown option.
 *
 * @example
 * ```ts
 * import { createProbes, grpc } from 'shipshape';
 * const probes = createProbes({ readiness: { payments: grpc('payments:50051', { service: 'payments.v1.Payments' }) } });
 * ```
 */
export function grpc(target: string, options?: GrpcOptions): CheckSpec {
  const server = parseGrpcTarget('grpc', target);
  validateCheckOptions(options, Object.keys(DEFAULTS));
  const settings = resolveOptions(DEFAULTS, options);
  if (typeof settings.service !== 'string') {
    throw new InvalidOptionError(`Expected \`service\` to be a string (\`""\` for the whole server), got ${describe(settings.service)}`);
  }
  if (typeof settings.tls !== 'boolean' && (typeof settings.tls !== 'object' || settings.tls === null || Array.isArray(settings.tls))) {
    throw new InvalidOptionError(`Expected \`tls\` to be true, false or node:tls options, got ${describe(settings.tls)}`);
  }
  const client = new GrpcHealthClient(server, settings.tls);
  const { service } = settings;
  return checkSpec(
    async function grpcHealthCheck(signal: AbortSignal): Promise<Observation> {
      const started = performance.now();
      const status = await client.check(service, signal);
      if (status !== SERVING) throw new NotReady(`service ${JSON.stringify(service)} is ${statusName(status)}`);
      return roundTrip(started);
    },
    options,
    () => client.close(),
  );
}

// --- internal ---

const SERVING = SERVING_STATUSES.indexOf('SERVING');
