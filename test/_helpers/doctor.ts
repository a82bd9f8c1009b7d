/**
 * Fixtures for the `shipshape doctor` tests: manifests built from a healthy container that
 * each test changes in one place, written as real YAML, and a runner that puts them (and a
 * config file) in a temporary directory and runs the real binary there.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { ROOT } from './build.js';
import { shipshape, type CliRun } from './cli.js';

type Fields = Record<string, unknown>;

/** A container that passes every rule against the library's defaults (no config file). */
export function healthyContainer(overrides: Fields = {}): Fields {
  return {
    name: 'app',
    image: 'registry.example.com/app:1',
    ports: [{ name: 'http', containerPort: 3000 }],
    startupProbe: { httpGet: { path: '/startupz', port: 'http' }, periodSeconds: 2, failureThreshold: 30 },
    readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5 },
    livenessProbe: { httpGet: { path: '/livez', port: 'http' } },
    ...overrides,
  };
}

/** A pod spec around `containers`, with `extra` pod fields (terminationGracePeriodSeconds, …). */
export function podSpec(containers: Fields | Fields[], extra: Fields = {}): Fields {
  return { ...extra, containers: Array.isArray(containers) ? containers : [containers] };
}

/** An apps/v1 Deployment named `name`. */
export function deployment(name: string, containers: Fields | Fields[] = healthyContainer(), extra: Fields = {}): Fields {
  const labels = { 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec(containers, extra) } },
  };
}

/** Documents as one multi-document YAML text. */
export function toYaml(...documents: unknown[]): string {
  return documents.map((document) => stringify(document)).join('---\n');
}

/** One parsed line of doctor's text output. */
export interface FindingLine {
  readonly level: string;
  readonly rule: string;
  /** `Deployment/web app` */
  readonly target: string;
  readonly message: string;
}

export interface DoctorRun extends CliRun {
  /** The finding lines of stdout (the summary left out). */
  readonly findings: FindingLine[];
  /** The last line of stdout. */
  readonly summary: string;
  /** The rules found for `Kind/name container`, in order. */
  rulesOf(target: string): string[];
}

export interface DoctorOptions {
  /** Files to write in the run's directory, by relative path (`k8s/web.yaml`). */
  readonly files?: Readonly<Record<string, string>>;
  /** The body of `shipshape.config.mjs` in the run's directory (`export default { … }`), if any. */
  readonly config?: string;
  /** Standard input. */
  readonly input?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Runs `shipshape doctor ...args` in a fresh directory holding `files` and the config. */
export async function doctor(args: readonly string[], options: DoctorOptions = {}): Promise<DoctorRun> {
  // below the repository (.tmp/ is ignored by git): the binary runs through `--import tsx`,
  // which Node resolves from the working directory
  mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, '.tmp', `doctor-${process.pid}-`));
  try {
    for (const [name, text] of Object.entries(options.files ?? {})) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    if (options.config !== undefined) writeFileSync(path.join(dir, 'shipshape.config.mjs'), options.config);
    const run = await shipshape(['doctor', ...args], { cwd: dir, input: options.input, env: { NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env } });
    return withFindings(run);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs doctor over `documents` given on standard input. */
export function doctorOn(documents: readonly unknown[], options: Omit<DoctorOptions, 'input'> & { readonly args?: readonly string[] } = {}): Promise<DoctorRun> {
  return doctor(['-', ...(options.args ?? [])], { ...options, input: toYaml(...documents) });
}

// --- internal ---

function withFindings(run: CliRun): DoctorRun {
  const lines = run.stdout.split('\n').filter(Boolean);
  const findings = lines.flatMap((line) => {
    const match = /^(error|warn) (\S+) (\S+ \S+): (.*)$/.exec(line);
    return match ? [{ level: match[1]!, rule: match[2]!, target: match[3]!, message: match[4]! }] : [];
  });
  return {
    ...run,
    findings,
    summary: lines.at(-1) ?? '',
    rulesOf: (target) => findings.filter((f) => f.target === target).map((f) => f.rule),
  };
}
