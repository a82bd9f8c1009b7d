/**
 * The app's side of `doctor`: what the app serves and how long it takes, read from the
 * config file's `probes` (createProbes options), `shutdown` (gracefulShutdown options) and
 * `grpc` (whether it serves the gRPC health service), with the library's own defaults,
 * resolved by the library's own code: the route table that answers requests, the registry
 * that gives each check its timeout, the shutdown budget that `gracefulShutdown` warns
 * about, and the service names of the gRPC health service. Nothing here restates a default.
 */
import { DEFAULTS as CHECK_DEFAULTS } from '../../core/check.js';
import { ConfigError } from '../../core/errors.js';
import { DEFAULTS as PROBE_DEFAULTS, createProbes, type ProbesOptions } from '../../core/probes.js';
import { describe, resolveOptions } from '../../core/options.js';
import { toReason } from '../../core/reason.js';
import { registerGroup, type RegisteredCheck } from '../../core/registry.js';
import type { ProbeName } from '../../core/report.js';
import { DEFAULT_PATHS, RouteTable, type Route } from '../../core/routes.js';
import { resolveShutdownOptions, shutdownBudgetMs, type ShutdownSettings } from '../../core/shutdown/options.js';
import type { CheckRunner } from '../../core/runner.js';
import type { ShipshapeConfig } from '../../core/config.js';
import { PROBE_SERVICES } from '../../grpc/_service-status.js';

/** The app's settings, and the file they came from (`undefined`: given in code, or no file). */
export interface ConfigSource {
  readonly file: string | undefined;
  readonly config: ShipshapeConfig;
}

/** A check as doctor sees it: its name and its effective timeout. */
export interface AppCheck {
  readonly name: string;
  readonly timeoutMs: number;
}

/** Everything doctor compares the manifests with. */
export interface App {
  /** Where the settings came from, for messages: the config file, or `the library's defaults`. */
  readonly source: string;
  /** Matches a request path the way the app's probe handler does. */
  match(path: string): Route | undefined;
  /** Every path the app serves, in order (`/livez`, `/healthz`, `/readyz`, `/startupz` by default). */
  readonly paths: readonly string[];
  /** The paths of each probe (with `basePath`), in order; empty when that endpoint is off. */
  readonly pathsOf: Readonly<Record<ProbeName, readonly string[]>>;
  /** The checks of each probe with their effective timeouts (startup: the readiness checks unless it has its own). */
  readonly checks: Readonly<Record<ProbeName, readonly AppCheck[]>>;
  /** The socket `shipshape probe` uses without `--socket` (the config's `socket`). */
  readonly socket: string | undefined;
  readonly shutdown: ShutdownSettings;
  /** `delayMs + timeoutMs + hooks × hookTimeoutMs`, as `gracefulShutdown` counts it. */
  readonly shutdownBudgetMs: number;
  /** Whether the config sets `shutdown.gracePeriodMs` itself. */
  readonly gracePeriodMsSet: boolean;
  /** Whether the app serves the gRPC health service (`addHealthService`, SPEC §8): the config's `grpc: true`. */
  readonly grpc: boolean;
  /**
   * What a gRPC health service name asks, as the app's health service reads it: `""` and
   * `readiness` the readiness probe, `liveness`, `startup`, or a check's name that check alone
   * (in the probe that lists it first); `undefined` for a name it answers with `NOT_FOUND`.
   */
  grpcService(service: string): GrpcService | undefined;
}

/** A gRPC health service name the app answers: the probe it runs, and the one check when it names a check. */
export interface GrpcService {
  readonly probe: ProbeName;
  readonly check?: string;
}

/**
 * Resolves the app's settings from a loaded config.
 *
 * @throws ConfigError naming the config file when its `probes` or `shutdown` options are
 *   ones the app itself would refuse at start.
 */
export function appFromConfig(loaded: ConfigSource): App {
  const source = loaded.file ?? "the library's defaults (no shipshape.config.* found)";
  const input: ProbesOptions = loaded.config.probes ?? {};
  const shutdown = validated(loaded.file, 'shutdown', () => resolveShutdownOptions(loaded.config.shutdown ?? {}));
  // createProbes validates the options exactly as the app will at start; its result is
  // closed at once (background checks, whose first run would come on the next turn of the
  // event loop, never run)
  validated(loaded.file, 'probes', () => void createProbes(input).close());
  const options = resolveOptions(PROBE_DEFAULTS, input);
  const routes = new RouteTable(options.paths, options.basePath);
  const context = {
    defaults: { timeoutMs: options.timeoutMs, cacheMs: options.cacheMs, intervalMs: options.intervalMs, critical: CHECK_DEFAULTS.critical },
    logger: undefined,
    runners: new Map<never, Map<string, CheckRunner>>(),
    closable: new Set<never>(),
  };
  const readiness = registerGroup('readiness', options.readiness, context);
  const groups: Record<ProbeName, RegisteredCheck[]> = {
    liveness: registerGroup('liveness', options.liveness, context),
    readiness,
    // as createProbes: startup runs the readiness checks unless it has its own
    startup: options.startup === undefined ? readiness : registerGroup('startup', options.startup, context),
  };
  const paths = routes.paths();
  const checks: Record<ProbeName, AppCheck[]> = { liveness: toChecks(groups.liveness), readiness: toChecks(groups.readiness), startup: toChecks(groups.startup) };
  return {
    source,
    match: (path) => routes.match(path),
    paths,
    pathsOf: {
      liveness: paths.filter((path) => routes.match(path)?.probe === 'liveness'),
      readiness: paths.filter((path) => routes.match(path)?.probe === 'readiness'),
      startup: paths.filter((path) => routes.match(path)?.probe === 'startup'),
    },
    checks,
    socket: loaded.config.socket,
    shutdown,
    shutdownBudgetMs: shutdownBudgetMs(shutdown),
    gracePeriodMsSet: loaded.config.shutdown?.gracePeriodMs !== undefined,
    grpc: grpcOf(loaded),
    grpcService(service) {
      const probe = PROBE_SERVICES.get(service);
      if (probe !== undefined) return { probe };
      // the order the health service looks for a check's name in (src/grpc/_service-status.ts)
      const group = (['readiness', 'liveness', 'startup'] as const).find((name) => checks[name].some((check) => check.name === service));
      return group === undefined ? undefined : { probe: group, check: service };
    },
  };
}

/** The last segments of shipshape's default paths (`livez`, `healthz`, `readyz`, `startupz`), which mark a probe as shipshape's even under another prefix. */
export const DEFAULT_WORDS: ReadonlySet<string> = new Set(
  Object.values(DEFAULT_PATHS)
    .flat()
    .map((path) => path.slice(path.lastIndexOf('/') + 1)),
);

// --- internal ---

function toChecks(registered: readonly RegisteredCheck[]): AppCheck[] {
  return registered.map(({ name, runner }) => ({ name, timeoutMs: runner.settings.timeoutMs }));
}

function grpcOf({ file, config }: ConfigSource): boolean {
  if (config.grpc !== undefined && typeof config.grpc !== 'boolean') throw new ConfigError(`${file ?? 'config'}: \`grpc\` must be true or false, got ${describe(config.grpc)}`);
  return config.grpc === true;
}

function validated<T>(file: string | undefined, key: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    throw new ConfigError(`${file ?? 'config'}: \`${key}\`: ${toReason(error)}`, { cause: error });
  }
}
