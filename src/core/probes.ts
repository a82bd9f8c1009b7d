/**
 * `createProbes`: the registry of checks, the app's state, and the one request path that
 * every adapter uses.
 */
import { DEFAULTS as CHECK_DEFAULTS, type Check, type Checks, type CheckSpec } from './check.js';
import type { JsonIdentity } from './format-json.js';
import { fetchProbe } from './fetch.js';
import type { ProbeCheckOptions, Probes } from './probes-api.js';
import { handleNode, type NodeRequestLike, type NodeResponseLike } from './handle.js';
import { listenOnSocket, type ListenOptions, type ProbeSocket } from './listen.js';
import { toLogger, type Logger } from './logger.js';
import { InvalidOptionError, ShipshapeError } from './errors.js';
import { Subscribers, type ProbesListener } from './events.js';
import { describe, expectBoolean, expectInterval, expectKnownKeys, expectNonNegativeNumber, expectPositiveNumber, expectString, resolveOptions } from './options.js';
import { registerGroup, RESERVED_CHECK_NAMES, type RegisteredCheck, type RegistryContext } from './registry.js';
import { overallStatus, type CheckReport, type ProbeName, type ProbeReport } from './report.js';
import { respond, type ProbeEngine, type ProbeRequest, type ProbeResponse } from './respond.js';
import { RouteTable, type ProbePaths } from './routes.js';
import type { CheckResult, CheckRunner } from './runner.js';
import { takeSnapshot, type ProbesSnapshot } from './snapshot.js';
import { ProbeState } from './state.js';

export type { ProbeCheckOptions, Probes } from './probes-api.js';

/** Options of {@link createProbes}. */
export interface ProbesOptions {
  /** Checks for `/livez` and `/healthz`. Keep them about the process itself: a database outage must not restart pods. @defaultValue none */
  readonly liveness?: Checks;
  /** Checks for `/readyz`: the dependencies without which the pod should get no traffic. @defaultValue none */
  readonly readiness?: Checks;
  /** Checks for `/startupz`. Latches once passed. @defaultValue the readiness checks */
  readonly startup?: Checks;
  /** Every check's timeout unless it has its own, within the kubelet's default 1 s probe timeout. @defaultValue `DEFAULTS.timeoutMs` */
  readonly timeoutMs?: number;
  /** Every check's result cache unless it has its own: a finished result is reused for this many milliseconds. @defaultValue `DEFAULTS.cacheMs` (no cache) */
  readonly cacheMs?: number;
  /**
   * Every check's background interval unless it has its own: each check runs every
   * `intervalMs` (from the end of its previous run), first right after `createProbes`, and
   * requests read its latest result. @defaultValue `DEFAULTS.intervalMs` (run on request)
   */
  readonly intervalMs?: number;
  /** Endpoint paths; `[]` turns a probe's endpoint off. @defaultValue `DEFAULT_PATHS` (routes.ts) */
  readonly paths?: ProbePaths;
  /** A prefix for every probe path, e.g. `/_health`. @defaultValue `DEFAULTS.basePath` */
  readonly basePath?: string;
  /** Readiness (and startup) fail with `[-]startup failed: not ready yet` until `markReady()`. @defaultValue `DEFAULTS.manualReady` */
  readonly manualReady?: boolean;
  /** `false` replaces every reason with `reason withheld`, for endpoints reachable from outside. @defaultValue `DEFAULTS.details` */
  readonly details?: boolean;
  /** Where check state changes are logged (`console`, pino). @defaultValue `DEFAULTS.logger` (silent) */
  readonly logger?: Logger | false;
  /** `serviceId` of the health+json output. */
  readonly serviceId?: string;
  /** `releaseId` of the health+json output. */
  readonly releaseId?: string;
  /** `version` of the health+json output. */
  readonly version?: string;
}

/**
 * A probes instance as shipshape's own modules see it beyond the public {@link Probes}: the
 * gRPC health service (src/grpc/) runs one check alone for its `Check` of a check's name;
 * the adapters read the route table.
 * Exported from no entry point.
 */
export interface ProbesInternals extends Probes {
  /** The probe endpoints: the adapters ask `routes.mayMatch(url)` before they build anything for a request. */
  readonly routes: RouteTable;
  checkOne(probe: ProbeName, name: string): Promise<CheckReport | undefined>;
}

/** Defaults of {@link ProbesOptions}, in one place. */
export const DEFAULTS = {
  liveness: undefined as Checks | undefined,
  readiness: undefined as Checks | undefined,
  startup: undefined as Checks | undefined,
  timeoutMs: 900,
  cacheMs: 0,
  intervalMs: 0,
  paths: undefined as ProbePaths | undefined,
  basePath: '',
  manualReady: false,
  details: true,
  logger: false as Logger | false,
  serviceId: undefined as string | undefined,
  releaseId: undefined as string | undefined,
  version: undefined as string | undefined,
};

/**
 * Creates the probes of an app: liveness, readiness and startup checks, served at
 * `/livez` `/healthz` `/readyz` `/startupz` by any adapter.
 *
 * Liveness never runs readiness checks (a database outage must not get pods restarted).
 * Checks of one probe run concurrently, each bounded by its timeout; concurrent requests
 * share one in-flight run of each check, so a burst of probes reaches the database once.
 * Startup defaults to the readiness checks and latches once passed.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`, a `TypeError`) for an unknown
 * option, a check that is neither a function nor a spec, a bad name, timeout or path.
 *
 * @example
 * ```ts
 * import http from 'node:http';
 * import { createProbes } from 'shipshape';
 * import { withProbes } from 'shipshape/node';
 *
 * const probes = createProbes({
 *   readiness: { api: async () => { await fetch('http://127.0.0.1:9000/ping'); } },
 * });
 * http.createServer(withProbes(probes, (req, res) => res.end('hello'))).listen(3000);
 * ```
 */
export function createProbes(options: ProbesOptions = {}): Probes {
  return new ProbesInstance(options);
}

// --- internal ---

class ProbesInstance implements ProbesInternals, ProbeEngine {
  readonly routes: RouteTable;
  readonly details: boolean;
  readonly identity: JsonIdentity;
  readonly #groups: Readonly<Record<ProbeName, readonly RegisteredCheck[]>>;
  readonly #state: ProbeState;
  readonly #closable: ReadonlySet<CheckSpec>;
  readonly #subscribers: Subscribers;
  /** Every runner once (a check listed by two probes has one runner). */
  readonly #runners: readonly CheckRunner[];
  #latched: ProbeReport | undefined;
  #closing: Promise<void> | undefined;
  readonly #sockets = new Set<Promise<ProbeSocket>>();

  constructor(input: ProbesOptions) {
    expectKnownKeys('options', input, Object.keys(DEFAULTS));
    const options = resolveOptions(DEFAULTS, input);
    expectPositiveNumber('timeoutMs', options.timeoutMs);
    expectBoolean('manualReady', options.manualReady);
    expectBoolean('details', options.details);
    for (const key of ['serviceId', 'releaseId', 'version'] as const) {
      if (options[key] !== undefined) expectString(key, options[key]);
    }
    if (typeof options.basePath !== 'string') expectString('basePath', options.basePath);
    const logger = toLogger('logger', options.logger);
    expectNonNegativeNumber('cacheMs', options.cacheMs);
    expectInterval('intervalMs', options.intervalMs);
    this.#subscribers = new Subscribers(logger);
    const context: RegistryContext = {
      defaults: { timeoutMs: options.timeoutMs, cacheMs: options.cacheMs, intervalMs: options.intervalMs, critical: CHECK_DEFAULTS.critical },
      logger,
      subscribers: this.#subscribers,
      runners: new Map<Check, Map<string, CheckRunner>>(),
      closable: new Set<CheckSpec>(),
    };
    const readiness = registerGroup('readiness', options.readiness, context);
    this.#groups = {
      liveness: registerGroup('liveness', options.liveness, context),
      readiness,
      startup: options.startup === undefined ? readiness : registerGroup('startup', options.startup, context),
    };
    this.#closable = context.closable;
    this.#runners = listRunners(this.#groups);
    this.routes = new RouteTable(options.paths, options.basePath);
    this.details = options.details;
    this.identity = { serviceId: options.serviceId, releaseId: options.releaseId, version: options.version };
    this.#state = new ProbeState(options.manualReady);
    this.handle = this.handle.bind(this);
    this.fetch = this.fetch.bind(this);
    // last, once everything is in place: the first runs come on the next turn of the event loop
    for (const runner of this.#runners) runner.startBackground();
  }

  async check(probe: ProbeName, options: ProbeCheckOptions = {}): Promise<ProbeReport> {
    const exclude = excludeSet(options.exclude);
    if (probe === 'startup' && this.#latched && exclude === undefined) return this.#latched;
    const checks = this.#groups[probe];
    if (!checks) throw new TypeError(`Expected a probe name (liveness, readiness, startup), got ${String(probe)}`);
    const results = await Promise.all(checks.map((c) => (exclude?.has(c.name) ? undefined : c.runner.result())));
    const reports = checks.map((c, i) => toCheckReport(c, results[i]));
    if (this.#state.fails(probe)) for (const line of this.#state.lines(probe)) reports.push(exclude?.has(line.name) ? excludedReport(line.name) : line);
    const report: ProbeReport = {
      probe,
      status: overallStatus(reports),
      checks: reports,
      unmatchedExcludes: exclude === undefined ? [] : unmatched(exclude, checks),
    };
    if (probe === 'startup' && exclude === undefined && report.status !== 'fail') this.#latched = report;
    return report;
  }

  async checkOne(probe: ProbeName, name: string): Promise<CheckReport | undefined> {
    const check = this.#groups[probe].find((c) => c.name === name);
    return check && toCheckReport(check, await check.runner.result());
  }

  /**
   * Whether `probe` passes on what is already known, so a plain request is answered `ok` at
   * once: no failing state line, and every check has a current result (background, or cached)
   * that does not fail it. Startup answers so only once latched (its latch is set from a report).
   */
  passesAtOnce(probe: ProbeName): boolean {
    if (this.#state.fails(probe)) return false;
    if (probe === 'startup') return this.#latched !== undefined;
    const checks = this.#groups[probe];
    if (checks.length === 0) return true;
    const now = Date.now();
    for (const check of checks) if (!check.runner.passesNow(now)) return false;
    return true;
  }

  subscribe(listener: ProbesListener): () => void {
    if (typeof listener !== 'function') throw new InvalidOptionError(`Expected \`listener\` to be a function (event) => void, got ${describe(listener)}`);
    return this.#subscribers.add(listener);
  }

  snapshot(): ProbesSnapshot {
    return takeSnapshot({ state: this.#state, groups: this.#groups, runners: this.#runners, startupLatched: this.#latched !== undefined });
  }

  respond(request: ProbeRequest): Promise<ProbeResponse> | undefined {
    return respond(this, request);
  }

  handle(req: NodeRequestLike, res: NodeResponseLike): boolean {
    return handleNode(this, req, res);
  }

  fetch(request: Request): Promise<Response | undefined> {
    return fetchProbe(this, request);
  }

  markReady(): void {
    if (this.#state.markReady()) this.#emitState('ready');
  }
  markBroken(reason: string | Error): void {
    if (this.#state.markBroken(reason)) this.#emitState('broken', this.#state.broken);
  }
  drain(): void {
    if (this.#state.drain()) this.#emitState('draining');
  }
  #emitState(state: 'ready' | 'draining' | 'broken', reason?: string): void {
    if (!this.#subscribers.active) return;
    this.#subscribers.emit(reason === undefined ? { type: 'state', state, time: new Date() } : { type: 'state', state, reason, time: new Date() });
  }
  get ready(): boolean {
    return this.#state.ready;
  }
  get draining(): boolean {
    return this.#state.draining;
  }
  get paths(): readonly string[] {
    return this.routes.paths();
  }

  listen(options: ListenOptions): Promise<ProbeSocket> {
    if (this.#closing) return Promise.reject(new ShipshapeError('probes.listen() after probes.close()'));
    const socket = listenOnSocket(this, options);
    this.#sockets.add(socket);
    socket.catch(() => this.#sockets.delete(socket));
    return socket;
  }

  close(): Promise<void> {
    for (const runner of this.#runners) runner.stop();
    const sockets = [...this.#sockets].map((socket) => socket.then((open) => open.close()));
    this.#closing ??= Promise.allSettled([...sockets, ...[...this.#closable].map((spec) => Promise.resolve().then(() => spec.close?.()))]).then(() => {});
    return this.#closing;
  }
}

/** Each runner once, and the probes listing it (in the order liveness, readiness, startup). */
function listRunners(groups: Readonly<Record<ProbeName, readonly RegisteredCheck[]>>): CheckRunner[] {
  const probesOf = new Map<CheckRunner, ProbeName[]>();
  for (const probe of ['liveness', 'readiness', 'startup'] as const) {
    for (const { runner } of groups[probe]) {
      const probes = probesOf.get(runner) ?? [];
      probesOf.set(runner, probes);
      if (!probes.includes(probe)) probes.push(probe);
    }
  }
  for (const [runner, probes] of probesOf) runner.probes = Object.freeze(probes);
  return [...probesOf.keys()];
}

function toCheckReport(check: RegisteredCheck, result: CheckResult | undefined): CheckReport {
  if (!result) return excludedReport(check.name);
  const { critical } = check.runner.settings;
  // Without a measurement of its own, a check reports how long it took (SPEC §3's example).
  const observation = result.observation ?? { observedValue: Math.round(result.durationMs), observedUnit: 'ms' };
  return {
    name: check.name,
    status: result.ok ? 'pass' : critical ? 'fail' : 'warn',
    excluded: false,
    reason: result.reason,
    time: result.time,
    durationMs: result.durationMs,
    observedValue: observation.observedValue,
    observedUnit: observation.observedUnit,
  };
}

/** The names to exclude; `undefined` for none (no `Set` for the everyday request). */
function excludeSet(names: Iterable<string> | undefined): ReadonlySet<string> | undefined {
  if (names === undefined || (Array.isArray(names) && names.length === 0)) return undefined;
  const set = new Set(names);
  return set.size === 0 ? undefined : set;
}

function unmatched(exclude: ReadonlySet<string>, checks: readonly RegisteredCheck[]): string[] {
  return [...exclude].filter((name) => !RESERVED_CHECK_NAMES.includes(name) && !checks.some((c) => c.name === name)).sort();
}

function excludedReport(name: string): CheckReport {
  return { name, status: 'pass', excluded: true, time: new Date(), durationMs: 0 };
}
