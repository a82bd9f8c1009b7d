/**
 * The doctor job: Kubernetes manifests checked against the app's own shipshape settings,
 * which no manifest linter can see (a probe timeout below a check's timeout, a liveness
 * probe on the readiness endpoint, a grace period shorter than the drain).
 *
 * The pieces: the YAML (manifests.ts), the app's side from the config (app.ts), the
 * containers and their probes with Kubernetes' defaults (containers.ts, command-lines.ts)
 * and the rules (rules*.ts). The YAML parser is the `yaml` package, an optional peer
 * dependency, loaded here only.
 */
import type * as Yaml from 'yaml';
import type { ShipshapeConfig } from '../../core/config.js';
import { InvalidOptionError } from '../../core/errors.js';
import { loadDriver } from '../../core/internal/load-driver.js';
import { describe } from '../../core/options.js';
import { appFromConfig, type ConfigSource } from './app.js';
import { containersOf, isAppContainer } from './containers.js';
import { parseWorkloads, type Source } from './manifests.js';
import { checkContainer, type Finding } from './rules.js';

/** A finding of {@link checkManifests}: what `doctor --json` prints, without its `file`. */
export type ManifestFinding = Omit<Finding, 'file'>;

/** What {@link inspectManifests} reads, in this order: the manifests, then the app's config. */
export interface DoctorInput {
  sources(): Promise<readonly Source[]>;
  config(): Promise<ConfigSource>;
  /** The app's containers by name (`doctor --container`); default: those that probe shipshape's paths or run `shipshape probe`. */
  readonly containers?: ReadonlySet<string> | undefined;
}

/** What {@link inspectManifests} found. */
export interface DoctorReport {
  readonly findings: readonly Finding[];
  /** How many workloads the manifests hold. */
  readonly manifests: number;
  /** The name of every container of every workload. */
  readonly containers: readonly string[];
  /** How many of them were checked as the app's. */
  readonly checked: number;
  /** Every path the app serves its probes on. */
  readonly paths: readonly string[];
}

/**
 * Checks manifests against the app's settings and resolves to the findings that `doctor`
 * prints (`doctor --json`, without the `file`): `error`s the rollout will suffer from, and
 * `warn`ings. The app's containers are those whose probes ask for shipshape's paths or run
 * `shipshape probe`, or have `grpc` probes when `config.grpc` is true.
 *
 * @throws DriverMissingError (`SHIPSHAPE_DRIVER_MISSING`) when `yaml` is not installed;
 *   InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) for YAML that does not parse or a
 *   workload that is not Kubernetes' shape (the message has the line: `yaml:3:5: …`);
 *   ConfigError (`SHIPSHAPE_CONFIG`) for `probes` or `shutdown` options the app would refuse,
 *   or a `grpc` that is not a boolean.
 *
 * @example
 * ```ts
 * import { checkManifests } from 'shipshape/jobs';
 *
 * const yaml = `
 * apiVersion: apps/v1
 * kind: Deployment
 * metadata: { name: web }
 * spec:
 *   template:
 *     spec:
 *       containers:
 *         - name: app
 *           livenessProbe: { httpGet: { path: /readyz, port: 3000 } }
 * `;
 * const findings = await checkManifests(yaml, { shutdown: { delayMs: 5000 } });
 * console.log(findings.map((finding) => `${finding.level} ${finding.rule}`));
 * ```
 */
export async function checkManifests(yaml: string, config: ShipshapeConfig = {}): Promise<ManifestFinding[]> {
  if (typeof yaml !== 'string') throw new InvalidOptionError(`Expected \`yaml\` to be the manifests' text, got ${describe(yaml)}`);
  if (typeof config !== 'object' || config === null) throw new InvalidOptionError(`Expected \`config\` to be a defineConfig() object, got ${describe(config)}`);
  const report = await inspectManifests({ sources: async () => [{ file: 'yaml', text: yaml }], config: async () => ({ file: undefined, config }) });
  return report.findings.map(({ file: _file, ...finding }) => finding);
}

/**
 * What `doctor` does: parses the manifests, resolves the app's settings, and runs every rule
 * over the app's containers.
 *
 * @throws as {@link checkManifests}, and what `input` throws.
 */
export async function inspectManifests(input: DoctorInput): Promise<DoctorReport> {
  const yaml = await loadDriver<typeof Yaml>('yaml');
  const workloads = parseWorkloads(yaml, await input.sources());
  const containers = workloads.flatMap(containersOf);
  const app = appFromConfig(await input.config());
  const named = input.containers ?? new Set<string>();
  const ours = containers.filter((container) => (named.size > 0 ? named.has(container.name) : isAppContainer(container, app)));
  return {
    findings: ours.flatMap((container) => checkContainer(container, app)),
    manifests: workloads.length,
    containers: containers.map((container) => container.name),
    checked: ours.length,
    paths: app.paths,
  };
}
