/**
 * The probe rules: each container probe against the endpoints and checks the app has.
 *
 * Semantics, from the Kubernetes docs (Configure Liveness, Readiness and Startup Probes;
 * Pod Lifecycle, "Container probes"):
 * - the kubelet gives an HTTP or exec probe `timeoutSeconds` (default 1; exec probes
 *   too since Kubernetes 1.20, GKE 1.35) and counts a slower answer as a failure, so the
 *   app's slowest check on that endpoint must finish below it;
 * - a failing liveness probe restarts the container, a failing readiness probe only takes
 *   the pod out of its Services' endpoints: liveness must not ask the readiness checks;
 * - a named `port` is looked up in the container's own `ports[].name`; a string of digits
 *   is not a number to the API (an IANA_SVC_NAME needs a letter);
 * - with a startup probe, liveness and readiness start once it has passed, which makes a
 *   liveness `initialDelaySeconds` a guess that is no longer needed.
 */
import type { ProbeName } from '../../core/report.js';
import type { App, AppCheck } from './app.js';
import { describeAction, PROBE_FIELDS, probesOf, type ContainerView, type ProbeAction, type ProbeView } from './containers.js';
import type { Rule, RuleResult } from './rules.js';

/** In-process exec probes more often than this cost a Node start and new connections each time (SPEC §5). */
const EXEC_PROBE_MIN_PERIOD_SECONDS = 10;

const probeTimeout: Rule = function* (container, app) {
  for (const view of probesOf(container)) {
    const asked = askedOf(view, app);
    if (!asked || asked.checks.length === 0) continue;
    const slowest = asked.checks.reduce((a, b) => (b.timeoutMs > a.timeoutMs ? b : a));
    const group = `${asked.check === undefined ? 'slowest ' : ''}${asked.probe} check`;
    // the kubelet's timeout, and the one an exec probe may give `shipshape probe` itself
    const limits: Limit[] = [{ what: `${view.field}.timeoutSeconds ${view.timeoutSeconds} s${view.timeoutSet ? '' : ' (the default)'}`, at: [...view.path, 'timeoutSeconds'], limitMs: view.timeoutSeconds * 1000 }];
    const command = view.action.type === 'exec' ? view.action.shipshape : undefined;
    if (command?.timeoutMs !== undefined) {
      limits.push({ what: `${view.field}'s \`shipshape probe --timeout ${command.timeoutMs / 1000}\``, at: [...view.path, 'exec', 'command'], limitMs: command.timeoutMs });
    }
    for (const { what, at, limitMs } of limits) {
      if (limitMs > slowest.timeoutMs) continue;
      // "above": the smallest whole number of seconds that leaves the check time to answer
      const fix = Number.isFinite(slowest.timeoutMs) ? `set it to ${Math.floor(slowest.timeoutMs / 1000) + 1} or lower the check's timeoutMs` : 'give the check a finite timeoutMs';
      yield { rule: 'probe-timeout', at, message: `${what} is not above the ${group} timeout ${slowest.timeoutMs} ms (${slowest.name}): ${fix}` };
    }
  }
};

const livenessChecksDependencies: Rule = function* (container, app) {
  const view = container.probes.livenessProbe;
  const asked = view && askedOf(view, app);
  if (!view || !asked || asked.probe === 'liveness') return;
  const checks = asked.checks.length === 0 ? '' : ` (${asked.checks.map((c) => c.name).join(', ')})`;
  const fix = livenessFix(view.action, app);
  yield {
    rule: 'liveness-checks-dependencies',
    at: actionPath(view),
    message: `livenessProbe asks ${asked.what}, which runs the ${asked.probe} checks${checks}: a failing dependency would restart every pod instead of taking it out of traffic; ${fix}`,
  };
};

const sameProbe: Rule = function* (container, app) {
  const { livenessProbe: live, readinessProbe: ready } = container.probes;
  if (!live || !ready || live.action.type === 'none' || actionKey(live.action, container) !== actionKey(ready.action, container)) return;
  const fix = live.action.type === 'exec' ? 'run `shipshape probe --live` for liveness and `--ready` for readiness' : `point livenessProbe at ${app.pathsOf.liveness[0] ?? 'a liveness path'} and readinessProbe at ${app.pathsOf.readiness[0] ?? 'a readiness path'}`;
  yield {
    rule: 'same-probe',
    at: actionPath(ready),
    message: `livenessProbe and readinessProbe are the same (${describeAction(live.action)}): either a dependency outage restarts the pod or readiness ignores the dependencies; ${fix}`,
  };
};

const noReadiness: Rule = function* (container, app) {
  if (container.ports.length === 0 || container.probes.readinessProbe) return;
  const ports = container.ports.map((p) => (p.name ? `${p.name} ${String(p.containerPort)}` : String(p.containerPort))).join(', ');
  const port = container.ports[0]!.name ?? String(container.ports[0]!.containerPort);
  const path = app.pathsOf.readiness[0];
  // a gRPC app (its other probes are grpc probes) gets a grpc readiness probe on the same port
  const grpc = app.grpc ? probesOf(container).find((view) => view.action.type === 'grpc')?.action : undefined;
  const fix = grpc?.type === 'grpc' ? `add a readinessProbe with grpc port ${String(grpc.port)} service readiness` : path ? `add a readinessProbe with httpGet ${path} port ${port}` : 'turn on a readiness path (paths.ready) and add a readinessProbe on it';
  yield {
    rule: 'no-readiness',
    at: [...container.path, 'ports'],
    message: `it has ports (${ports}) and no readinessProbe: it gets traffic before the app is ready and while it drains; ${fix}`,
  };
};

const noStartup: Rule = function* (container, app) {
  const live = container.probes.livenessProbe;
  if (!live || live.initialDelaySeconds === 0 || container.probes.startupProbe) return;
  const target = live.action.type === 'exec' && live.action.shipshape ? 'running `shipshape probe --startup`' : `on ${app.pathsOf.startup[0] ?? app.pathsOf.readiness[0] ?? 'the startup path'}`;
  // what the liveness probe allows a starting pod now, before the kubelet restarts it
  const { initialDelaySeconds, periodSeconds, failureThreshold } = live;
  const allowed = initialDelaySeconds + periodSeconds * failureThreshold;
  yield {
    rule: 'no-startup',
    at: [...live.path, 'initialDelaySeconds'],
    message:
      `livenessProbe.initialDelaySeconds ${initialDelaySeconds} s stands in for a startup probe: a slower start gets the pod restarted; add a startupProbe ${target} ` +
      `with periodSeconds × failureThreshold ≥ ${allowed} s (what initialDelaySeconds ${initialDelaySeconds} + periodSeconds ${periodSeconds} × failureThreshold ${failureThreshold} allow now) and remove initialDelaySeconds`,
  };
};

const unknownPath: Rule = function* (container, app) {
  for (const view of probesOf(container)) {
    if (view.action.type !== 'httpGet') continue;
    const { path, pathname } = view.action;
    const at = [...view.path, 'httpGet', 'path'];
    const route = app.match(pathname);
    if (!route) {
      yield { rule: 'unknown-path', at, message: `${view.field}.httpGet.path ${path} is not served by the app (it serves ${app.paths.join(', ') || 'no probe path'}): ${pointAt(app, PROBE_FIELDS[view.field], 'set it to')}` };
    } else if (route.check !== undefined && !app.checks[route.probe].some((c) => c.name === route.check)) {
      const names = app.checks[route.probe].map((c) => c.name).join(', ');
      yield { rule: 'unknown-path', at, message: `${view.field}.httpGet.path ${path} names no ${route.probe} check ${JSON.stringify(route.check)} (the app answers 404; its ${route.probe} checks: ${names || 'none'}): name one of them or ask ${pathname.slice(0, -route.check.length - 1)}` };
    }
  }
};

const unknownPort: Rule = function* (container) {
  for (const view of probesOf(container)) {
    const { action } = view;
    if (action.type !== 'httpGet' && action.type !== 'tcpSocket') continue;
    const problem = portProblem(action.port, container);
    if (problem) yield { rule: 'unknown-port', at: [...view.path, action.type, 'port'], message: `${view.field}.${action.type}.port ${problem}` };
  }
};

const execProbeCost: Rule = function* (container, app) {
  for (const view of probesOf(container)) {
    const command = view.action.type === 'exec' ? view.action.shipshape : undefined;
    if (!command || command.socket || command.url || command.grpc || container.env.has('SHIPSHAPE_SOCKET') || app.socket !== undefined) continue;
    if (view.periodSeconds >= EXEC_PROBE_MIN_PERIOD_SECONDS) continue;
    yield {
      rule: 'exec-probe-cost',
      at: [...view.path, 'periodSeconds'],
      message: `${view.field} starts \`shipshape probe${command.flag ? ` ${command.flag}` : ''}\` in a new process every ${view.periodSeconds} s, which runs the checks itself on new connections: add --socket PATH (the app serves it with probes.listen), --url or --grpc, or set periodSeconds to ${EXEC_PROBE_MIN_PERIOD_SECONDS} or more`,
    };
  }
};

/** The probe rules, in {@link RULES} order. */
export const PROBE_RULES: readonly Rule[] = [probeTimeout, livenessChecksDependencies, sameProbe, noReadiness, noStartup, unknownPath, unknownPort, execProbeCost];

// --- internal ---

/** A time limit a probe puts on the app's answer: in words, where it is written, how long. */
interface Limit {
  readonly what: string;
  readonly at: RuleResult['at'];
  readonly limitMs: number;
}

/** What a probe asks of the app: which probe, which checks run, in words. */
interface Asked {
  readonly probe: ProbeName;
  readonly checks: readonly AppCheck[];
  readonly what: string;
  /** The one check a `/readyz/NAME` path runs. */
  readonly check?: string;
}

function askedOf(view: ProbeView, app: App): Asked | undefined {
  const { action } = view;
  if (action.type === 'httpGet') {
    const route = app.match(action.pathname);
    if (!route) return undefined;
    const all = app.checks[route.probe];
    if (route.check === undefined) return { probe: route.probe, checks: all, what: action.pathname };
    const one = all.filter((c) => c.name === route.check);
    return one.length === 0 ? undefined : { probe: route.probe, checks: one, what: action.pathname, check: route.check };
  }
  // a gRPC probe asks the app's health service only when it serves one (else grpc-probe-service says so)
  if (action.type === 'grpc') return app.grpc ? serviceAsked(action.service, `grpc service ${JSON.stringify(action.service)}`, app) : undefined;
  const command = action.type === 'exec' ? action.shipshape : undefined;
  if (!command?.probe) return undefined;
  // `--grpc` asks the service `--service`, by default the probe's own name (SPEC §5)
  if (command.grpc && command.service !== undefined) return serviceAsked(command.service, `\`shipshape probe ${command.flag} --service ${command.service}\``, app);
  return { probe: command.probe, checks: app.checks[command.probe], what: `\`shipshape probe ${command.flag}\`` };
}

/** What a gRPC health service name asks of the app (SPEC §8); `undefined` for a name it does not answer. */
function serviceAsked(service: string, what: string, app: App): Asked | undefined {
  const asked = app.grpcService(service);
  if (!asked) return undefined;
  const all = app.checks[asked.probe];
  return asked.check === undefined ? { probe: asked.probe, checks: all, what } : { probe: asked.probe, checks: all.filter((c) => c.name === asked.check), what, check: asked.check };
}

/** How to make a liveness probe ask the liveness checks, for each kind of probe. */
function livenessFix(action: ProbeAction, app: App): string {
  if (action.type === 'grpc') return 'set livenessProbe.grpc.service to liveness';
  if (action.type !== 'exec') return pointAt(app, 'liveness', 'point livenessProbe at');
  return action.shipshape?.service === undefined ? 'run `shipshape probe --live`' : 'run `shipshape probe --live` with --service liveness, or without --service';
}

/** `point livenessProbe at /livez`, or what to do when the app serves no path for that probe. */
function pointAt(app: App, probe: ProbeName, verb: string): string {
  const path = app.pathsOf[probe][0];
  const key = { liveness: 'live', readiness: 'ready', startup: 'startup' }[probe];
  return path ? `${verb} ${path}` : `the app serves no ${probe} path (paths.${key} is empty): turn one on`;
}

function actionPath(view: ProbeView): RuleResult['at'] {
  return view.action.type === 'none' ? view.path : [...view.path, view.action.type];
}

/** Two actions are the same when the kubelet would send the same request: named ports resolved, defaults filled. */
function actionKey(action: ProbeAction, container: ContainerView): string {
  switch (action.type) {
    case 'httpGet':
      return `GET ${action.scheme}://${action.host}:${resolvePort(action.port, container)}${action.path}\n${action.headers}`;
    case 'tcpSocket':
      return `TCP ${action.host}:${resolvePort(action.port, container)}`;
    case 'exec':
      return `EXEC ${JSON.stringify(action.command)}`;
    case 'grpc':
      return `GRPC ${String(action.port)}/${action.service}`;
    default:
      return 'none';
  }
}

function resolvePort(port: unknown, container: ContainerView): string {
  const named = typeof port === 'string' ? container.ports.find((p) => p.name === port) : undefined;
  return String(named ? named.containerPort : port);
}

/** Why a probe's port cannot be used, or `undefined` when it can. */
function portProblem(port: unknown, container: ContainerView): string | undefined {
  const named = container.ports.filter((p) => p.name !== undefined).map((p) => `${p.name} ${String(p.containerPort)}`);
  const known = named.length === 0 ? 'the container names no ports' : `its named ports: ${named.join(', ')}`;
  if (port === undefined || port === null) return `is missing: give a port number or the name of one of the container's ports (${known})`;
  if (typeof port === 'number') return Number.isInteger(port) && port >= 1 && port <= 65_535 ? undefined : `${port} is not a port number (1-65535)`;
  if (typeof port !== 'string') return `${JSON.stringify(port)} is neither a number nor a port name`;
  if (/^\d+$/.test(port)) return `${JSON.stringify(port)} is a string, which Kubernetes reads as a port name: write the number ${port} without quotes`;
  if (container.ports.some((p) => p.name === port)) return undefined;
  return `${JSON.stringify(port)} is neither a number nor a named port of the container (${known}): name one of them or give the number`;
}
