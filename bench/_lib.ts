/**
 * Side-by-side throughput measurement. The machine is shared and noisy (single runs swing
 * ±20–30%), so every figure is a ratio of two variants measured in the same run: both
 * servers run in their own child processes, and autocannon alternates between them in
 * pairs (AB, BA, AB, …); the figure is the median of the pairs' ratios.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import readline from 'node:readline';
import autocannon from 'autocannon';

export const BENCH_DIR = path.dirname(new URL(import.meta.url).pathname);

/** A server to measure: a script under bench/servers that prints `listening PORT`. */
export interface Variant {
  readonly name: string;
  readonly script: string;
  readonly args?: readonly string[];
}

export interface RunningServer {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a variant's server in a child process and waits for its port. */
export async function startServer(variant: Variant): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'servers', variant.script), ...(variant.args ?? [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout! });
  let port: number | undefined;
  for await (const line of lines) {
    const match = /^listening (\d+)$/.exec(line);
    if (match) {
      port = Number(match[1]);
      break;
    }
  }
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
  const result = await autocannon({
    url,
    connections: options.connections ?? 50,
    duration: options.durationSec ?? 3,
    pipelining: 1,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
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
