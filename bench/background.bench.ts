// Issue #18: background checks (intervalMs).
// - A storm: 200 connections on /readyz for 5 s against one check with intervalMs: 1000
//   (the check takes 20 ms and counts its runs: bench/servers/readiness-storm.ts) cause at
//   most 6 runs, one per interval, however many requests arrive. Several rounds; the most
//   runs of any round is the figure.
// - The cost of a request: /readyz answered from a background result ÷ /livez on the same
//   server (target: no less, within noise), and /readyz running its check on request ÷
//   /livez for comparison; interleaved rounds, medians (compareGroup in _lib.ts).
import { compareGroup, measureWithCpu, median, startServer, variant, type Point } from './_lib.js';

/** At or above "within noise": medians of pairs here move by a few percent between runs. */
const WITHIN_NOISE = 0.97;
const STORM_CONNECTIONS = 200;
const STORM_SECONDS = 5;
const MOST_RUNS = 6;

export default async function background(): Promise<void> {
  await storm(Number(process.env.BENCH_ROUNDS ?? 3));
  const on = (mode: string, path: string): Point => ({ variant: variant(`${mode} readiness`, 'background-app.ts', [mode]), path });
  await compareGroup({
    title: '/readyz from a background result vs /livez',
    durationSec: Number(process.env.BENCH_SECONDS ?? 1.5),
    figures: [
      { label: '/readyz (background result) ÷ /livez', candidate: on('background', '/readyz'), baseline: on('background', '/livez'), target: WITHIN_NOISE },
      { label: '/readyz (check run on request) ÷ /livez', candidate: on('on-request', '/readyz'), baseline: on('on-request', '/livez') },
    ],
  });
}

async function storm(rounds: number): Promise<void> {
  const server = await startServer({ name: 'background storm', script: 'readiness-storm.ts', args: ['background'] });
  const results: { runs: number; responses: number; rps: number }[] = [];
  try {
    for (let round = 0; round < rounds; round += 1) {
      await stats(server.url); // resets the counts
      const load = await measureWithCpu(`${server.url}/readyz`, undefined, { durationSec: STORM_SECONDS, connections: STORM_CONNECTIONS });
      const { runs } = await stats(server.url);
      results.push({ runs, responses: load.responses, rps: load.rps });
    }
  } finally {
    await server.stop();
  }
  const most = Math.max(...results.map((r) => r.runs));
  console.log(`\n## background storm (/readyz, one check of 20 ms with intervalMs 1000, ${STORM_CONNECTIONS} connections, ${rounds} rounds × ${STORM_SECONDS} s)`);
  console.log(
    `runs per round: ${results.map((r) => r.runs).join(' ')} (target ≤ ${MOST_RUNS}: ${most <= MOST_RUNS ? 'met' : 'NOT met'}); responses per round: ${results.map((r) => r.responses).join(' ')}; ${Math.round(median(results.map((r) => r.rps)))} req/s`,
  );
}

async function stats(base: string): Promise<{ runs: number; maxConcurrent: number }> {
  return (await (await fetch(`${base}/stats`)).json()) as { runs: number; maxConcurrent: number };
}
