/**
 * `shipshape probe`: an exec probe (or a Docker `HEALTHCHECK`) that prints `ok` or the
 * probe listing and exits 0 or 1.
 *
 * Four ways to ask, cheapest first for the process that runs every few seconds in every
 * pod: `--url` (a running server over HTTP), `--grpc` (a running gRPC server's standard
 * health service) and `--socket` (a running process over its Unix socket,
 * `probes.listen({ socket })`) read no config file and load no check; without
 * either, the configured checks run in this process (`createProbes(config.probes)`, or
 * checks built from the environment), and a liveness probe then passes if the process
 * starts, as the seed's did. The config loader, the asking and the in-process run (the
 * probe job, src/jobs/probe) and each driver are imported only when used.
 */
import type { ProbeName } from '../../core/report.js';
import { UsageError } from '../../core/errors.js';
import { formatText } from '../../core/format-text.js';
import { redact } from '../../core/redact.js';
import { parseFlags, seconds, type ParsedFlags } from '../_flags.js';
import type { CliIO } from '../_io.js';
import { capOutput } from './_probe-output.js';
import { formatJson } from '../../core/format-json.js';

export const FLAGS = {
  live: { type: 'boolean' },
  health: { type: 'boolean' },
  ready: { type: 'boolean' },
  startup: { type: 'boolean' },
  quiet: { type: 'boolean' },
  verbose: { type: 'boolean' },
  json: { type: 'boolean' },
  socket: { type: 'string' },
  url: { type: 'string' },
  grpc: { type: 'string' },
  service: { type: 'string' },
  timeout: { type: 'string' },
  config: { type: 'string' },
} as const;

/** `--timeout` of `--socket`, `--url` and `--grpc`: the kubelet's default exec probe `timeoutSeconds`. */
export const DEFAULT_TIMEOUT_SECONDS = 1;

export const USAGE = `Usage: shipshape probe --live | --health | --ready | --startup [options]
       shipshape probe [--live | --ready | --startup] --grpc HOST:PORT [--service NAME] [--timeout SEC] [--quiet]

Runs one probe and exits 0 when it passes, 1 when it fails, 2 on a usage or config error.
Prints \`ok\` or the failing listing (at most 4 KiB, what Docker keeps of a health check).

Probes (exactly one, optional with --grpc; --live and --health mean the same):
  --live, --health   liveness (/livez, /healthz)
  --ready            readiness (/readyz)
  --startup          startup (/startupz)

Where to ask (default: run the checks in this process):
  --socket PATH      the running process, over its Unix socket (probes.listen({ socket }));
                     default: the config's \`socket\`, else $SHIPSHAPE_SOCKET
  --url BASE         a running server over HTTP(S): BASE + the probe's path (--ready → /readyz);
                     exit 0 on 2xx, 1 otherwise
  --grpc HOST:PORT   a running gRPC server: grpc.health.v1.Health/Check (as grpc-health-probe);
                     prints the status, exit 0 on SERVING, 1 otherwise
  --service NAME     with --grpc, the service asked about (default: the probe's name, liveness,
                     readiness or startup; without a probe flag "", the whole server)
  --timeout SEC      how long to wait for the socket, URL or gRPC server (default ${DEFAULT_TIMEOUT_SECONDS}); in-process,
                     the timeout of every check without its own (default: the config's, else 0.9)

Output:
  --quiet            print nothing (usage and config errors still print)
  --verbose          list every check on success too (?verbose)
  --json             application/health+json instead of text

Config:
  --config FILE      the config file (default: $SHIPSHAPE_CONFIG, else shipshape.config.{ts,mts,js,mjs,cjs});
                     without \`probes\` in it, readiness checks come from DATABASE_URL, REDIS_URL,
                     MEMCACHED_SERVERS, AMQP_URL, NATS_URL, MQTT_URL
`;

/** Runs `shipshape probe …argv`. */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(argv, FLAGS);
  if (values.grpc !== undefined) return askGrpcServer(io, values);
  if (values.service !== undefined) throw new UsageError('--service goes with --grpc HOST:PORT');
  const probe = chosenProbe(values);
  if (values.socket !== undefined && values.url !== undefined) throw new UsageError('--socket and --url ask in two different ways: give one of them');
  if (values.socket === '') throw new UsageError('--socket needs the path of a socket file');
  const timeoutMs = seconds('timeout', values.timeout);
  const output = { quiet: values.quiet === true, verbose: values.verbose === true, json: values.json === true };
  if (values.url !== undefined) return askRunning(io, { url: baseUrl(values.url) }, probe, timeoutMs, output);
  if (values.socket !== undefined) return askRunning(io, { socket: absolute(io, values.socket) }, probe, timeoutMs, output);
  const { loadConfig } = await import('../_config.js');
  const loaded = await loadConfig(io, values.config);
  const socket = loaded.config.socket ?? (io.env.SHIPSHAPE_SOCKET || undefined);
  if (socket !== undefined) return askRunning(io, { socket: absolute(io, socket) }, probe, timeoutMs, output);
  if (loaded.config.probes === undefined && probe.name === 'liveness') return processStarted(io, probe, output);
  const { probeInProcess } = await import('../../jobs/probe/index.js');
  const { report, options } = await probeInProcess(loaded, probe.name, timeoutMs, io.env);
  if (!output.quiet) {
    const details = options.details ?? true;
    const text = output.json
      ? `${formatJson(report, { serviceId: options.serviceId, releaseId: options.releaseId, version: options.version }, details)}\n`
      : formatText(report, { word: probe.path.slice(1), verbose: output.verbose, details });
    io.stdout.write(capOutput(text, output.json));
  }
  return report.status === 'fail' ? 1 : 0;
}

// --- internal ---

interface Chosen {
  readonly name: ProbeName;
  /** The endpoint, also the listing's word (`/readyz` → `readyz check failed`). */
  readonly path: string;
}

interface Output {
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly json: boolean;
}

const PROBE_FLAGS = {
  live: { name: 'liveness', path: '/livez' },
  health: { name: 'liveness', path: '/healthz' },
  ready: { name: 'readiness', path: '/readyz' },
  startup: { name: 'startup', path: '/startupz' },
} as const satisfies Record<string, Chosen>;

function chosenProbe(values: Partial<Record<keyof typeof PROBE_FLAGS, boolean>>): Chosen;
function chosenProbe(values: Partial<Record<keyof typeof PROBE_FLAGS, boolean>>, optional: true): Chosen | undefined;
function chosenProbe(values: Partial<Record<keyof typeof PROBE_FLAGS, boolean>>, optional = false): Chosen | undefined {
  const given = (Object.keys(PROBE_FLAGS) as (keyof typeof PROBE_FLAGS)[]).filter((flag) => values[flag] === true);
  if (given.length === 0 && optional) return undefined;
  if (given.length === 0) throw new UsageError('which probe? give one of --live, --health, --ready, --startup');
  const probes = new Set(given.map((flag) => PROBE_FLAGS[flag].name));
  if (probes.size > 1) throw new UsageError(`one probe at a time: ${given.map((flag) => `--${flag}`).join(' and ')} were both given`);
  return PROBE_FLAGS[given[0]!];
}

function baseUrl(value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  // never echo the value: it may hold credentials
  const expected = '--url must be an http:// or https:// base URL such as http://127.0.0.1:3000';
  if (url === undefined) throw new UsageError(expected);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${expected}, got a ${JSON.stringify(url.protocol)} URL`);
  if (url.hash !== '') throw new UsageError('--url cannot have a #fragment: it is the base the probe path is appended to');
  return url;
}

function absolute(io: CliIO, socket: string): string {
  return process.getBuiltinModule('node:path').resolve(io.cwd, socket);
}

async function askRunning(io: CliIO, target: { socket: string } | { url: URL }, probe: Chosen, timeoutMs: number | undefined, output: Output): Promise<number> {
  const { ask, shown } = await import('../../jobs/probe/index.js');
  let answer;
  try {
    answer = await ask(target, { path: probe.path, verbose: output.verbose, json: output.json, timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000 });
  } catch (error) {
    if (!output.quiet) io.stderr.write(`shipshape probe: ${redact((error as Error).message)}\n`);
    return 1;
  }
  const passed = answer.status >= 200 && answer.status < 300;
  if (output.quiet) return passed ? 0 : 1;
  const where = 'socket' in target ? target.socket : shown(target.url, probe.path);
  let text = answer.body;
  if (answer.status >= 300 && answer.status < 400) {
    text = `${where}: HTTP ${answer.status}, a redirect${answer.location ? ` to ${answer.location}` : ''} (not followed: a probe endpoint answers itself)`;
  } else if (!passed && text.trim() === '') {
    text = `${where}: HTTP ${answer.status}`;
  }
  io.stdout.write(capOutput(redact(text), output.json));
  return passed ? 0 : 1;
}

/**
 * `--grpc HOST:PORT`: `Health/Check` for `--service`, by default the probe's own name (the
 * services of `addHealthService`, SPEC §8), or `""` (the whole server, what the kubelet and
 * grpc-health-probe ask by default) without a probe flag. Prints the status on stdout and
 * exits 0 on `SERVING`; a call with no status (refused, the deadline, an unknown service)
 * says why on stderr and exits 1.
 */
async function askGrpcServer(io: CliIO, values: ParsedFlags<typeof FLAGS>['values']): Promise<number> {
  const where = (['socket', 'url'] as const).find((flag) => values[flag] !== undefined);
  if (where) throw new UsageError(`--grpc and --${where} ask in two different ways: give one of them`);
  const format = (['verbose', 'json'] as const).find((flag) => values[flag] !== undefined);
  if (format) throw new UsageError(`--${format} is for the HTTP listing: --grpc prints the serving status`);
  const probe = chosenProbe(values, true);
  const timeoutMs = seconds('timeout', values.timeout) ?? DEFAULT_TIMEOUT_SECONDS * 1000;
  const { askGrpc, parseGrpcTarget } = await import('../../jobs/probe/grpc.js');
  let server;
  try {
    server = parseGrpcTarget('--grpc', values.grpc);
  } catch {
    throw new UsageError('--grpc must be HOST:PORT such as 127.0.0.1:50051 (IPv6 as [::1]:50051)');
  }
  const quiet = values.quiet === true;
  try {
    const { status } = await askGrpc(server, { service: values.service ?? probe?.name ?? '', timeoutMs });
    if (!quiet) io.stdout.write(`${status}\n`);
    return status === 'SERVING' ? 0 : 1;
  } catch (error) {
    if (!quiet) io.stderr.write(`shipshape probe: ${redact((error as Error).message)}\n`);
    return 1;
  }
}

/**
 * Liveness without configured probes: it passes if the process starts, as the seed's did
 * (liveness never runs readiness checks). No check is built, so no probe module is loaded:
 * this is the exec probe that runs every few seconds in every pod.
 */
async function processStarted(io: CliIO, probe: Chosen, output: Output): Promise<number> {
  if (output.quiet) return 0;
  const report = { probe: probe.name, status: 'pass', checks: [], unmatchedExcludes: [] } as const;
  const text = output.json ? `${formatJson(report, {}, true)}\n` : formatText(report, { word: probe.path.slice(1), verbose: output.verbose, details: true });
  io.stdout.write(capOutput(text, output.json));
  return 0;
}
