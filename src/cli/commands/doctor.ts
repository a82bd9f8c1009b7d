/**
 * `shipshape doctor [FILE... | -] [--config FILE] [--container NAME] [--json]`: checks
 * Kubernetes manifests against the app's own shipshape settings (SPEC §5), which no
 * manifest linter can see: a probe timeout below a check's timeout, a liveness probe on the
 * readiness endpoint, a grace period shorter than the drain.
 *
 * The pieces, in src/cli/doctor/: reading the input (input.ts) and the YAML
 * (manifests.ts), the app's side from the config (app.ts), the containers and their probes
 * with Kubernetes' defaults (containers.ts, command-lines.ts), the rules (rules*.ts), and the
 * output (report.ts). The YAML parser is the `yaml` package, an optional peer dependency
 * loaded here only.
 */
import type * as Yaml from 'yaml';
import { UsageError } from '../../core/errors.js';
import { loadDriver } from '../../core/internal/load-driver.js';
import type { CliIO } from '../_io.js';
import { loadConfig } from '../_config.js';
import { parseFlags, type FlagOptions } from '../_flags.js';
import { appFromConfig } from '../../jobs/doctor/app.js';
import { containersOf, isAppContainer, type ContainerView } from '../../jobs/doctor/containers.js';
import { readSources } from './_doctor-input.js';
import { ManifestError, parseWorkloads } from '../../jobs/doctor/manifests.js';
import { formatJson, formatText, useColor } from './_doctor-report.js';
import { checkContainer } from '../../jobs/doctor/rules.js';

export const USAGE = `Usage: shipshape doctor [FILE... | DIR | -] [--config FILE] [--container NAME] [--json]

Checks Kubernetes manifests (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
Pod; several documents a file; List objects) against the app's shipshape settings: the
config file's \`probes\` (paths, basePath, check timeouts) and \`shutdown\` (delayMs,
timeoutMs, hooks, gracePeriodMs), with the library's defaults where it is silent.

Arguments:
  FILE...            YAML or JSON manifests; a directory: its .yaml/.yml/.json files
  -                  read standard input (helm template . | shipshape doctor -)

Options:
  --config FILE      the config file (default: $SHIPSHAPE_CONFIG, else shipshape.config.*)
  --container NAME   the app's container (repeatable); default: every container whose
                     probes ask for shipshape's paths or run \`shipshape probe\`
  --json             print the findings as a JSON array
  --help             print this help

Prints one line a finding (error|warn RULE Kind/name container: message) and a summary.
Exit codes: 0 no error (warnings allowed), 1 at least one error, 2 a usage or config
error, or a manifest that cannot be read or parsed. Needs the \`yaml\` package.
`;

export const FLAGS = {
  config: { type: 'string' },
  container: { type: 'string', multiple: true },
  json: { type: 'boolean' },
} as const satisfies FlagOptions;

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals, rest } = parseFlags(argv, FLAGS, true);
  const args = [...positionals, ...rest];
  if (args.length === 0) throw new UsageError('name the manifests to check: FILE..., a directory, or - for standard input');
  if (args.filter((arg) => arg === '-').length > 1) throw new UsageError('- (standard input) can be given once');
  const named = new Set(values.container ?? []);
  const yaml = await loadDriver<typeof Yaml>('yaml');
  let containers: ContainerView[];
  let manifests: number;
  try {
    const workloads = parseWorkloads(yaml, await readSources(args, io));
    manifests = workloads.length;
    containers = workloads.flatMap(containersOf);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    io.stderr.write(`shipshape doctor: ${error.message}\n`);
    return 2;
  }
  const app = appFromConfig(await loadConfig(io, values.config));
  for (const name of named) {
    if (!containers.some((c) => c.name === name)) throw new UsageError(`--container ${JSON.stringify(name)}: no container of that name in the manifests`);
  }
  const ours = containers.filter((c) => (named.size > 0 ? named.has(c.name) : isAppContainer(c, app)));
  if (ours.length === 0 && manifests > 0) {
    io.stderr.write(
      `shipshape doctor: no container probes shipshape's paths (${app.paths.join(', ')}) or runs \`shipshape probe\`: nothing to check (name the app's container with --container NAME)\n`,
    );
  }
  const findings = ours.flatMap((container) => checkContainer(container, app));
  io.stdout.write(values.json ? formatJson(findings) : formatText(findings, manifests, useColor(io)));
  return findings.some((f) => f.level === 'error') ? 1 : 0;
}
