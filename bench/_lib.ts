/**
 * Side-by-side throughput measurement. The machine is shared and noisy (single runs swing
 * ±20–30%), so every figure is a ratio of two variants measured in the same run: both
 * servers run in their own child processes, and autocannon alternates between them in
 * pairs (AB, BA, AB, …); the figure is the median of the pairs' ratios.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import autocannon from 'autocannon';

export const BENCH_DIR = path.dirname(new URL(import.meta.url).pathname);

/** A server to measure: a script under bench/servers (run compiled) that prints `listening PORT`. */
export interface Variant {
  readonly name: string;
  readonly script: string;
  readonly args?: readonly string[];
  /** Where the compiled script is, if not this checkout's .tmp/bench (another checkout's, to compare with). */
  readonly dir?: string;
}

const variants = new Map<string, Variant>();

/** One Variant object per name, so that figures (and groups) naming the same server share its process. */
export function variant(name: string, script: string, args: readonly string[] = [], dir?: string): Variant {
  if (!variants.has(name)) variants.set(name, { name, script, args, ...(dir === undefined ? {} : { dir }) });
  return variants.get(name)!;
}

export interface RunningServer {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The server scripts and src/, compiled by tsc into .tmp/bench once per bench run: the
 * servers run as plain JavaScript, as an app in production does. Under tsx's loader hooks a
 * process that has booted Fastify runs even node:http's own request path about a quarter
 * slower (a bare handler: 38 against 30 µs a request; 33 against 29–34 µs compiled), which
 * would be charged to whatever is measured on Fastify's server.
 */
const COMPILED = path.join(BENCH_DIR, '..', '.tmp', 'bench', 'bench', 'servers');
let compiled = false;

function compileServers(): void {
  if (compiled) return;
  const tsc = path.join(BENCH_DIR, '..', 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(BENCH_DIR, 'tsconfig.json')], { stdio: 'inherit' });
  compiled = true;
}

/** How to start a server: under another program, with node flags, reading what it prints. */
export interface StartOptions {
  /** A command to run node under (`valgrind --tool=callgrind …`, which execs node in the same process: the child's pid stays the server's). */
  readonly prefix?: readonly string[];
  /** Flags for node itself (`--trace-opt`). */
  readonly nodeArgs?: readonly string[];
  /** Every line the server prints on stdout after `listening PORT`. */
  readonly onLine?: (line: string) => void;
}

/** Starts a variant's server (compiled) in a child process and waits for its port. */
export async function startServer(variant: Variant, options: StartOptions = {}): Promise<RunningServer> {
  compileServers();
  const script = path.join(variant.dir ?? COMPILED, variant.script.replace(/\.ts$/, '.js'));
  const [command, ...args] = [...(options.prefix ?? []), process.execPath, ...(options.nodeArgs ?? []), script, ...(variant.args ?? [])];
  const child = spawn(command!, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout! });
  const port = await new Promise<number | undefined>((resolve) => {
    let listening: number | undefined;
    lines.on('line', (line) => {
      if (listening !== undefined) return options.onLine?.(line);
      const match = /^listening (\d+)$/.exec(line);
      if (match) resolve((listening = Number(match[1])));
    });
    lines.on('close', () => resolve(listening));
  });
  if (!port) throw new Error(`${variant.name}: server did not start`);
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    },
  };
}

export interface MeasureOptions {
  readonly durationSec?: number;
  readonly connections?: number;
}

/** Requests per second answered by `url` under autocannon load (non-2xx counted as errors). */
export async function measure(url: string, options: MeasureOptions = {}): Promise<number> {
  return (await measureWithCpu(url, undefined, options)).rps;
}

/**
 * Requests per second, and the CPU time the server process `pid` spent per request (µs, from
 * Linux's /proc/PID/task/N/schedstat, every thread summed; undefined elsewhere). Other
 * sessions' load lowers a server's throughput far more than its CPU time per request, so the
 * second figure is the steadier reading of what a request costs.
 */
export async function measureWithCpu(url: string, pid: number | undefined, options: MeasureOptions = {}): Promise<{ rps: number; cpuUs: number | undefined; responses: number }> {
  const before = cpuNs(pid);
  const result = await autocannon({
    url,
    connections: options.connections ?? 50,
    duration: options.durationSec ?? 3,
    pipelining: 1,
  });
  const after = cpuNs(pid);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  const cpuUs = before === undefined || after === undefined ? undefined : (after - before) / 1000 / result.requests.total;
  return { rps: result.requests.average, cpuUs, responses: result.requests.total };
}

function cpuNs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    let total = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    return total;
  } catch {
    return undefined;
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Comparison {
  readonly label: string;
  readonly baselineRps: number;
  readonly candidateRps: number;
  /** candidate / baseline, median over the pairs. */
  readonly ratio: number;
}

/**
 * Measures `candidate` against `baseline` on `urlPath`, alternating in pairs over
 * `rounds` rounds, and prints one line.
 */
export async function compare(options: {
  label: string;
  baseline: Variant;
  candidate: Variant;
  urlPath: string;
  candidatePath?: string;
  rounds?: number;
  durationSec?: number;
}): Promise<Comparison> {
  const rounds = options.rounds ?? Number(process.env.BENCH_ROUNDS ?? 5);
  const durationSec = options.durationSec ?? Number(process.env.BENCH_SECONDS ?? 3);
  const [a, b] = await Promise.all([startServer(options.baseline), startServer(options.candidate)]);
  try {
    const urlA = a.url + options.urlPath;
    const urlB = b.url + (options.candidatePath ?? options.urlPath);
    await measure(urlA, { durationSec: 1 }); // warm-up (JIT) for both
    await measure(urlB, { durationSec: 1 });
    const ratios: number[] = [];
    const rpsA: number[] = [];
    const rpsB: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const first = round % 2 === 0;
      const x = await measure(first ? urlA : urlB, { durationSec });
      const y = await measure(first ? urlB : urlA, { durationSec });
      const [ra, rb] = first ? [x, y] : [y, x];
      rpsA.push(ra);
      rpsB.push(rb);
      ratios.push(rb / ra);
    }
    const comparison = { label: options.label, baselineRps: median(rpsA), candidateRps: median(rpsB), ratio: median(ratios) };
    console.log(
      `${comparison.label}: ${options.candidate.name} ${Math.round(comparison.candidateRps)} req/s vs ${options.baseline.name} ${Math.round(comparison.baselineRps)} req/s → ratio ${comparison.ratio.toFixed(3)} (median of ${rounds} pairs: ${ratios.map((r) => r.toFixed(3)).join(' ')})`,
    );
    return comparison;
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

/** One URL of a group: a variant's server and the path measured on it. */
export interface Point {
  readonly variant: Variant;
  readonly path: string;
}

/** A figure of a group: `candidate ÷ baseline`, and the target it should meet, if any. */
export interface Figure {
  readonly label: string;
  readonly candidate: Point;
  readonly baseline: Point;
  readonly target?: number;
}

export interface FigureResult extends Comparison {
  readonly target: number | undefined;
  /** Baseline ÷ candidate CPU time per request, median over the rounds (Linux only). */
  readonly cpuRatio: number | undefined;
}

/**
 * Measures several figures over the same servers at once: every variant runs in its own
 * child process, and each round measures every point (variant + path) once, in the order the
 * figures name them (so a figure's two points are neighbours wherever possible), forwards
 * in even rounds and backwards in odd ones. Each figure is the median over the rounds of
 * its candidate ÷ baseline within the round, as {@link compare} does for one pair.
 *
 * The servers are started afresh every `restartEvery` rounds (default 3, each set warmed up
 * for 0.5 s a URL): one process can run a few percent faster or slower than another of the
 * same script for the whole of its life (where its code and heap landed), and within one
 * process that bias would never average out.
 */
export async function compareGroup(options: {
  title: string;
  figures: readonly Figure[];
  rounds?: number;
  durationSec?: number;
  restartEvery?: number;
}): Promise<FigureResult[]> {
  const rounds = options.rounds ?? Number(process.env.BENCH_ROUNDS ?? 6);
  const durationSec = options.durationSec ?? Number(process.env.BENCH_SECONDS ?? 3);
  const restartEvery = options.restartEvery ?? 3;
  const variants = [...new Set(options.figures.flatMap((f) => [f.baseline.variant, f.candidate.variant]))];
  const keyOf = (point: Point): string => `${variants.indexOf(point.variant)} ${point.path}`;
  const points = new Map<string, Point>();
  for (const figure of options.figures) for (const point of [figure.baseline, figure.candidate]) points.set(keyOf(point), point);
  const rps = new Map<string, number[]>([...points.keys()].map((key) => [key, []]));
  const cpu = new Map<string, number[]>([...points.keys()].map((key) => [key, []]));
  let servers: RunningServer[] = [];
  try {
    for (let round = 0; round < rounds; round += 1) {
      if (round % restartEvery === 0) {
        await Promise.all(servers.map((server) => server.stop()));
        servers = await Promise.all(variants.map((v) => startServer(v)));
        for (const point of points.values()) await measure(urlOf(point), { durationSec: 0.5 }); // warm-up (JIT)
      }
      const order = round % 2 === 0 ? [...points] : [...points].reverse();
      for (const [key, point] of order) {
        const result = await measureWithCpu(urlOf(point), serverOf(point).child.pid, { durationSec });
        rps.get(key)!.push(result.rps);
        if (result.cpuUs !== undefined) cpu.get(key)!.push(result.cpuUs);
      }
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
  function serverOf(point: Point): RunningServer {
    return servers[variants.indexOf(point.variant)]!;
  }
  function urlOf(point: Point): string {
    return serverOf(point).url + point.path;
  }
  console.log(`## ${options.title} (${points.size} URLs × ${rounds} rounds × ${durationSec} s)`);
  return options.figures.map((figure) => {
    const a = rps.get(keyOf(figure.baseline))!;
    const b = rps.get(keyOf(figure.candidate))!;
    const ratios = a.map((value, i) => b[i]! / value);
    const cpuA = cpu.get(keyOf(figure.baseline))!;
    const cpuB = cpu.get(keyOf(figure.candidate))!;
    // baseline ÷ candidate CPU per request: like the throughput ratio, above 1 means cheaper
    const cpuRatio = cpuA.length === rounds && cpuB.length === rounds ? median(cpuA.map((value, i) => value / cpuB[i]!)) : undefined;
    const result = { label: figure.label, baselineRps: median(a), candidateRps: median(b), ratio: median(ratios), target: figure.target, cpuRatio };
    const verdict = figure.target === undefined ? '' : `, target ≥ ${figure.target}: ${result.ratio >= figure.target ? 'met' : 'NOT met'}`;
    const cpuText = cpuRatio === undefined ? '' : `; CPU/request ${median(cpuB).toFixed(1)} vs ${median(cpuA).toFixed(1)} µs → ${cpuRatio.toFixed(3)}`;
    console.log(
      `${figure.label}: ${Math.round(result.candidateRps)} vs ${Math.round(result.baselineRps)} req/s → ratio ${result.ratio.toFixed(3)}${verdict} (pairs: ${ratios.map((r) => r.toFixed(3)).join(' ')})${cpuText}`,
    );
    return result;
  });
}
