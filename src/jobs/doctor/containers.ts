/**
 * The containers of a workload as the rules read them: their ports, their probes with
 * Kubernetes' defaults filled in, what each probe asks of the app, the preStop sleep, and
 * whether the container is the app's at all.
 *
 * Kubernetes' defaults are the API's (core/v1 `Probe` and `PodSpec` field docs,
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/):
 * `timeoutSeconds` 1, `periodSeconds` 10, `failureThreshold` 3, `initialDelaySeconds` 0,
 * `terminationGracePeriodSeconds` 30.
 */
import type { ProbeName } from '../../core/report.js';
import { DEFAULT_WORDS, type App } from './app.js';
import { isSleepOnly, shipshapeProbe, sleepSeconds, type ShipshapeProbeCommand } from './command-lines.js';
import { fieldsOf, ManifestError, type FieldPath, type Fields, type Workload } from './manifests.js';

/** Kubernetes' own defaults for the fields doctor reads, where a manifest leaves them out. */
export const KUBERNETES_DEFAULTS = {
  timeoutSeconds: 1,
  periodSeconds: 10,
  failureThreshold: 3,
  initialDelaySeconds: 0,
  terminationGracePeriodSeconds: 30,
} as const;

/** The probe fields of a container and the probe each stands for. */
export const PROBE_FIELDS = { livenessProbe: 'liveness', readinessProbe: 'readiness', startupProbe: 'startup' } as const satisfies Record<string, ProbeName>;
export type ProbeField = keyof typeof PROBE_FIELDS;

/** What a probe does, reduced to what the rules compare. */
export type ProbeAction =
  | {
      readonly type: 'httpGet';
      /** The path as written (`/readyz?verbose`), and without its query, as the app matches it. */
      readonly path: string;
      readonly pathname: string;
      readonly port: unknown;
      readonly scheme: string;
      readonly host: string;
      readonly headers: string;
    }
  | { readonly type: 'tcpSocket'; readonly port: unknown; readonly host: string }
  | { readonly type: 'exec'; readonly command: readonly string[]; readonly shipshape: ShipshapeProbeCommand | undefined }
  | { readonly type: 'grpc'; readonly port: unknown; readonly service: string }
  | { readonly type: 'none' };

/** One probe of a container, with Kubernetes' defaults where a field is missing. */
export interface ProbeView {
  readonly field: ProbeField;
  readonly path: FieldPath;
  readonly action: ProbeAction;
  readonly timeoutSeconds: number;
  /** Whether `timeoutSeconds` is written in the manifest (else it is the default). */
  readonly timeoutSet: boolean;
  readonly periodSeconds: number;
  readonly failureThreshold: number;
  readonly initialDelaySeconds: number;
  /** The probe's own `terminationGracePeriodSeconds` (liveness and startup probes, Kubernetes 1.28+), when set. */
  readonly terminationGracePeriodSeconds: number | undefined;
}

/** A container of a workload. */
export interface ContainerView {
  readonly workload: Workload;
  readonly name: string;
  readonly path: FieldPath;
  readonly fields: Fields;
  /** `ports[]`, as written. */
  readonly ports: readonly { readonly name: string | undefined; readonly containerPort: unknown }[];
  readonly probes: Partial<Record<ProbeField, ProbeView>>;
  /** Seconds the preStop hook sleeps (`sleep.seconds`, or an exec `sleep N`); 0 without one. */
  readonly preStopSleepSeconds: number;
  readonly preStopPath: FieldPath;
  /** The preStop `exec` command when it starts with a sleep (not the `sleep` action), and whether it does nothing else. */
  readonly preStopExecSleep: { readonly command: readonly string[]; readonly sleepOnly: boolean } | undefined;
  /** The pod's `terminationGracePeriodSeconds`, and whether the manifest sets it. */
  readonly gracePeriodSeconds: number;
  readonly gracePeriodSet: boolean;
  /** Names of the container's environment variables (`env[].name`). */
  readonly env: ReadonlySet<string>;
}

/**
 * The containers that can serve probes: `containers`, and `initContainers` with
 * `restartPolicy: Always` (sidecars, which run beside the app and may have probes).
 *
 * @throws ManifestError for a probe field or grace period that is not a whole number.
 */
export function containersOf(workload: Workload): ContainerView[] {
  const { pod, podPath } = workload;
  const grace = integer(workload, pod, 'terminationGracePeriodSeconds', [...podPath, 'terminationGracePeriodSeconds'], KUBERNETES_DEFAULTS.terminationGracePeriodSeconds);
  const views: ContainerView[] = [];
  for (const key of ['initContainers', 'containers'] as const) {
    const list = (pod[key] ?? []) as Fields[];
    list.forEach((fields, index) => {
      if (key === 'initContainers' && fields.restartPolicy !== 'Always') return;
      const path = [...podPath, key, index];
      const probes: Partial<Record<ProbeField, ProbeView>> = {};
      for (const field of Object.keys(PROBE_FIELDS) as ProbeField[]) {
        const probe = fieldsOf(fields[field]);
        if (probe) probes[field] = probeView(workload, `${fields.name as string}: ${field}`, field, probe, [...path, field]);
      }
      const preStop = fieldsOf(fieldsOf(fields.lifecycle)?.preStop);
      const preStopPath = [...path, 'lifecycle', 'preStop'];
      const execSleep = preStopExecSleep(preStop);
      views.push({
        workload,
        name: fields.name as string,
        path,
        fields,
        ports: (Array.isArray(fields.ports) ? fields.ports : []).map((port) => ({
          name: typeof fieldsOf(port)?.name === 'string' ? (fieldsOf(port)!.name as string) : undefined,
          containerPort: fieldsOf(port)?.containerPort,
        })),
        probes,
        preStopSleepSeconds: preStopSleepAction(workload, fields.name as string, preStop, preStopPath) ?? (execSleep ? sleepSeconds(execSleep.command)! : 0),
        preStopPath,
        preStopExecSleep: execSleep,
        gracePeriodSeconds: grace,
        gracePeriodSet: pod.terminationGracePeriodSeconds !== undefined && pod.terminationGracePeriodSeconds !== null,
        env: new Set((Array.isArray(fields.env) ? fields.env : []).map((entry) => fieldsOf(entry)?.name).filter((name): name is string => typeof name === 'string')),
      });
    });
  }
  return views;
}

/**
 * Whether a container is the app's: one of its probes asks for a shipshape path (one the
 * app serves, or one with a default word such as `readyz` as a segment, so that a probe
 * left on `/readyz` after a `basePath` change is still checked), runs `shipshape probe`, or
 * is a `grpc` probe while the config says `grpc: true` (or asks the service `liveness`,
 * `readiness` or `startup`, shipshape's names).
 */
export function isAppContainer(container: ContainerView, app: App): boolean {
  return Object.values(container.probes).some(({ action }) => {
    if (action.type === 'exec') return action.shipshape !== undefined;
    // a gRPC probe: when the app serves the gRPC health service, or on one of its probe names
    if (action.type === 'grpc') return app.grpc || PROBE_NAMES.has(action.service);
    if (action.type !== 'httpGet') return false;
    return app.match(action.pathname) !== undefined || action.pathname.split('/').some((segment) => DEFAULT_WORDS.has(segment));
  });
}

/** The probes of a container, in {@link PROBE_FIELDS} order: liveness, readiness, startup. */
export function probesOf(container: ContainerView): ProbeView[] {
  return (Object.keys(PROBE_FIELDS) as ProbeField[]).map((field) => container.probes[field]).filter((view): view is ProbeView => view !== undefined);
}

/** What a probe does, in a few words for messages: `httpGet /readyz port http`. */
export function describeAction(action: ProbeAction): string {
  switch (action.type) {
    case 'httpGet':
      return `httpGet ${action.path} port ${String(action.port)}`;
    case 'tcpSocket':
      return `tcpSocket port ${String(action.port)}`;
    case 'exec':
      return `exec ${JSON.stringify(action.command.join(' '))}`;
    case 'grpc':
      return `grpc port ${String(action.port)}`;
    default:
      return 'no action';
  }
}

// --- internal ---

const PROBE_NAMES: ReadonlySet<string> = new Set(Object.values(PROBE_FIELDS));

function probeView(workload: Workload, label: string, field: ProbeField, probe: Fields, path: FieldPath): ProbeView {
  // The API server defaults a missing or 0 timeoutSeconds, periodSeconds and failureThreshold
  // (SetDefaults_Probe, pkg/apis/core/v1/defaults.go); initialDelaySeconds 0 is just 0.
  const number = (key: keyof typeof KUBERNETES_DEFAULTS): number => integer(workload, probe, `${label}.${key}`, [...path, key], KUBERNETES_DEFAULTS[key]) || KUBERNETES_DEFAULTS[key];
  return {
    field,
    path,
    action: actionOf(probe),
    timeoutSeconds: number('timeoutSeconds'),
    timeoutSet: typeof probe.timeoutSeconds === 'number' && probe.timeoutSeconds !== 0,
    periodSeconds: number('periodSeconds'),
    failureThreshold: number('failureThreshold'),
    initialDelaySeconds: number('initialDelaySeconds'),
    // unlike the fields above, not defaulted: unset, the pod's own applies
    terminationGracePeriodSeconds: probe.terminationGracePeriodSeconds === undefined || probe.terminationGracePeriodSeconds === null ? undefined : integer(workload, probe, `${label}.terminationGracePeriodSeconds`, [...path, 'terminationGracePeriodSeconds'], 0),
  };
}

function actionOf(probe: Fields): ProbeAction {
  const http = fieldsOf(probe.httpGet);
  if (http) {
    const headers = (Array.isArray(http.httpHeaders) ? http.httpHeaders : []).map((h) => `${String(fieldsOf(h)?.name)}:${String(fieldsOf(h)?.value)}`);
    // path: the kubelet requests "/" when it is empty; scheme HTTP and the pod's IP by default
    const path = stringOr(http.path, '/');
    return { type: 'httpGet', path, pathname: path.replace(/[?#].*$/, ''), port: http.port, scheme: stringOr(http.scheme, 'HTTP').toUpperCase(), host: stringOr(http.host, ''), headers: headers.sort().join('\n') };
  }
  const tcp = fieldsOf(probe.tcpSocket);
  if (tcp) return { type: 'tcpSocket', port: tcp.port, host: stringOr(tcp.host, '') };
  const exec = fieldsOf(probe.exec);
  if (exec) {
    const command = (Array.isArray(exec.command) ? exec.command : []).map(String);
    return { type: 'exec', command, shipshape: shipshapeProbe(command) };
  }
  const grpc = fieldsOf(probe.grpc);
  if (grpc) return { type: 'grpc', port: grpc.port, service: stringOr(grpc.service, '') };
  return { type: 'none' };
}

/**
 * The seconds of the preStop `sleep` action (alpha in Kubernetes 1.29, on by default from
 * 1.30, GA in 1.34: KEP-3960), or `undefined` when the hook is not one.
 */
function preStopSleepAction(workload: Workload, container: string, preStop: Fields | undefined, path: FieldPath): number | undefined {
  const sleep = fieldsOf(preStop?.sleep);
  return sleep && integer(workload, sleep, `${container}: lifecycle.preStop.sleep.seconds`, [...path, 'sleep', 'seconds'], 0);
}

/** A preStop `exec` hook that starts with a sleep (`sleep 5`, `sh -c "sleep 5 && …"`). */
function preStopExecSleep(preStop: Fields | undefined): ContainerView['preStopExecSleep'] {
  const command = fieldsOf(preStop?.exec)?.command;
  if (!Array.isArray(command)) return undefined;
  const words = command.map(String);
  return sleepSeconds(words) === undefined ? undefined : { command: words, sleepOnly: isSleepOnly(words) };
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

/** The whole number at `at` (its last step is its key in `fields`), or `fallback` when it is missing. */
function integer(workload: Workload, fields: Fields, what: string, at: FieldPath, fallback: number): number {
  const value = fields[at.at(-1) as string];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ManifestError(workload.file, workload.lineOf(at), `${workload.kind}/${workload.name} ${what} must be a whole number, got ${JSON.stringify(value)}`);
  }
  return value;
}
