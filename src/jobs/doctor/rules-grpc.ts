/**
 * The gRPC probe rules: Kubernetes' own `grpc` probes against the app's gRPC health service
 * (SPEC §8, `addHealthService` of `shipshape/grpc`).
 *
 * Semantics, from the Kubernetes docs (Configure Liveness, Readiness and Startup Probes,
 * "Define a gRPC liveness probe"; core/v1 `GRPCAction`): the kubelet calls
 * `grpc.health.v1.Health/Check` with `service` (default `""`) on `port`, which "must be a
 * number" (an int32: named ports are not supported, and the API refuses a name); any answer
 * but `SERVING` fails the probe, a `NOT_FOUND` status for an unknown service included.
 */
import type { App } from './app.js';
import { PROBE_FIELDS, probesOf, type ContainerView } from './containers.js';
import type { Rule } from './rules.js';

const grpcProbePort: Rule = function* (container) {
  for (const view of probesOf(container)) {
    if (view.action.type !== 'grpc') continue;
    const problem = grpcPortProblem(view.action.port, container);
    if (problem) yield { rule: 'grpc-probe-port', at: [...view.path, 'grpc', 'port'], message: `${view.field}.grpc.port ${problem}` };
  }
};

const grpcProbeService: Rule = function* (container, app) {
  for (const view of probesOf(container)) {
    const { action } = view;
    if (action.type !== 'grpc') continue;
    if (!app.grpc) {
      yield {
        rule: 'grpc-probe-service',
        at: [...view.path, 'grpc'],
        message: `${view.field} is a grpc probe, and the config does not say the app serves the gRPC health service (no \`grpc: true\`): the probe fails unless something answers grpc.health.v1.Health/Check; add it with addHealthService(server, probes) from shipshape/grpc and set grpc: true, or probe over httpGet`,
      };
      continue;
    }
    if (app.grpcService(action.service) !== undefined) continue;
    yield {
      rule: 'grpc-probe-service',
      at: [...view.path, 'grpc', 'service'],
      message: `${view.field}.grpc.service ${JSON.stringify(action.service)} is not a service the app's gRPC health service answers (${answered(app)}): the kubelet gets NOT_FOUND and the probe always fails; set it to ${PROBE_FIELDS[view.field]}`,
    };
  }
};

/** The gRPC rules, in {@link RULES} order. */
export const GRPC_RULES: readonly Rule[] = [grpcProbePort, grpcProbeService];

// --- internal ---

/** Why a `grpc` probe's port cannot be used, or `undefined` when it can. */
function grpcPortProblem(port: unknown, container: ContainerView): string | undefined {
  if (port === undefined || port === null) return 'is missing: give the port number of the app\'s gRPC server';
  if (typeof port === 'number') return Number.isInteger(port) && port >= 1 && port <= 65_535 ? undefined : `${port} is not a port number (1-65535)`;
  if (typeof port === 'string' && /^\d+$/.test(port)) return `${JSON.stringify(port)} is a string, and Kubernetes takes only a number there: write the number ${port} without quotes`;
  const named = container.ports.find((p) => p.name === port);
  const fix = named && typeof named.containerPort === 'number' ? `write ${named.containerPort}, the number of the container's port ${String(port)}` : "write the port number of the app's gRPC server";
  return `${JSON.stringify(port)} is a name, and Kubernetes takes only a number there (unlike httpGet and tcpSocket, a grpc probe cannot name a port; the API refuses it): ${fix}`;
}

/** The names the app's health service answers, in words: `"", liveness, readiness, startup and its checks db, cache`. */
function answered(app: App): string {
  const checks = [...new Set(Object.values(app.checks).flatMap((list) => list.map((check) => check.name)))];
  return `it answers "", liveness, readiness, startup${checks.length === 0 ? ', and no check names' : ` and its checks ${checks.join(', ')}`}`;
}
