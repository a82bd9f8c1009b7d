/**
 * `shipshape doctor [FILE... | -] [--config FILE] [--container NAME] [--json]`: checks
 * Kubernetes manifests against the app's own shipshape settings (SPEC §5).
 *
 * The shell of src/jobs/doctor (`inspectManifests`, what `checkManifests` is): this file
 * reads the files, directories and standard input (`_doctor-input.ts`) and the config, and
 * prints the findings (`_doctor-report.ts`).
 */
import { UsageError } from '../../core/errors.js';
import { inspectManifests, ManifestError, type DoctorReport } from '../../jobs/doctor/index.js';
import { loadConfig } from '../_config.js';
import { parseFlags, type FlagOptions } from '../_flags.js';
import type { CliIO } from '../_io.js';
import { readSources } from './_doctor-input.js';
import { formatJson, formatText, useColor } from './_doctor-report.js';

export const USAGE = `Usage: shipshape doctor [FILE... | DIR | -] [--config FILE] [--container NAME] [--json]

Checks Kubernetes manifests (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
Pod; several documents a file; List objects) against the app's shipshape settings: the
config file's \`probes\` (paths, basePath, check timeouts), \`shutdown\` (delayMs,
timeoutMs, hooks, gracePeriodMs) and \`grpc\` (true when the app serves the gRPC health
service), with the library's defaults where it is silent.

Arguments:
  FILE...            YAML or JSON manifests; a directory: its .yaml/.yml/.json files
  -                  read standard input (helm template . | shipshape doctor -)

Options:
  --config FILE      the config file (default: $SHIPSHAPE_CONFIG, else shipshape.config.*)
  --container NAME   the app's container (repeatable); default: every container whose
                     probes ask for shipshape's paths or run \`shipshape probe\` (and its
                     grpc probes, with \`grpc: true\`)
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
  let report: DoctorReport;
  try {
    report = await inspectManifests({ sources: () => readSources(args, io), config: () => loadConfig(io, values.config), containers: named });
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    io.stderr.write(`shipshape doctor: ${error.message}\n`);
    return 2;
  }
  for (const name of named) {
    if (!report.containers.includes(name)) throw new UsageError(`--container ${JSON.stringify(name)}: no container of that name in the manifests`);
  }
  if (report.checked === 0 && report.manifests > 0) {
    io.stderr.write(
      `shipshape doctor: no container probes shipshape's paths (${report.paths.join(', ')}) or runs \`shipshape probe\`: nothing to check (name the app's container with --container NAME)\n`,
    );
  }
  const { findings } = report;
  io.stdout.write(values.json ? formatJson(findings) : formatText(findings, report.manifests, useColor(io)));
  return findings.some((f) => f.level === 'error') ? 1 : 0;
}
