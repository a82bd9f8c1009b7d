// Issue #13: shipshape beside its peers, @godaddy/terminus and lightship (dev dependencies of
// the bench only), in one run on 127.0.0.1:
// - /livez req/s of every way shipshape answers (withProbes, attachProbes, each adapter), of
//   terminus and of lightship, each ÷ a bare node:http server answering the same bytes, and
//   shipshape on node:http ÷ each peer (target: at or above, within noise);
// - pass-through: an ordinary route on node:http, Express and Fastify with each library
//   mounted ÷ without (lightship serves its probes on a port of its own and never sees the
//   app's requests, so it has no such figure);
// - a readiness storm: 50 connections on /readyz, whose one check takes 20 ms, for shipshape
//   and terminus: the most runs of the check at once, and runs per response (target: one at
//   once for shipshape). lightship's /ready runs no check (readiness is a flag the app sets).
// Throughput figures are medians of interleaved rounds (compareGroup in _lib.ts); 1.5 s a
// measurement by default (BENCH_SECONDS, BENCH_ROUNDS).
import { compareGroup, measureWithCpu, median, startServer, variant, type Figure, type FigureResult, type Point } from './_lib.js';

/** At or above a peer "within noise": single runs here swing ±20–30%, medians of pairs by a few percent. */
const WITHIN_NOISE = 0.97;

const at = (name: string, script: string, args: readonly string[], path = '/livez'): Point => ({ variant: variant(name, script, args), path });
const BARE = at('bare node:http', 'node-bare.ts', []);
const TERMINUS = at('terminus on node:http', 'node-app.ts', ['terminus']);
const LIGHTSHIP = at("lightship's own server", 'lightship.ts', [], '/live');
const WITH_PROBES = at('withProbes', 'node-app.ts', ['adapter']);
const ATTACH = at('attachProbes on node:http', 'node-app.ts', ['attach']);
const ADAPTERS: readonly Point[] = [
  at('Express 5 adapter', 'express-app.ts', ['adapter']),
  at('Fastify 5 plugin', 'fastify-app.ts', ['adapter']),
  at('Koa 3 middleware', 'koa-app.ts', ['adapter']),
  at('Hono 4 middleware', 'hono-app.ts', ['adapter']),
  at('Nest 11 module (Express)', 'nest-app.ts', ['express', 'adapter']),
  at('Nest 11 module (Fastify)', 'nest-app.ts', ['fastify', 'adapter']),
];

/** The apps whose ordinary route /app is measured with each library mounted on them. */
const PASS_THROUGH = [
  { name: 'node:http', script: 'node-app.ts' },
  { name: 'Express 5', script: 'express-app.ts' },
  { name: 'Fastify 5', script: 'fastify-app.ts' },
] as const;

export default async function peers(): Promise<void> {
  const durationSec = Number(process.env.BENCH_SECONDS ?? 1.5);
  const results: FigureResult[] = [];
  results.push(...(await compareGroup({ title: '/livez', figures: livezFigures(), durationSec })));
  for (const app of PASS_THROUGH) results.push(...(await compareGroup({ title: `pass-through on ${app.name}`, figures: passThroughFigures(app), durationSec })));
  console.log('\n## summary');
  for (const r of results) {
    console.log(`${r.label}: ${Math.round(r.candidateRps)} vs ${Math.round(r.baselineRps)} req/s → ${r.ratio.toFixed(3)}${r.target === undefined ? '' : ` (target ≥ ${r.target}: ${r.ratio >= r.target ? 'met' : 'NOT met'})`}`);
  }
  await readinessStorm(Number(process.env.BENCH_SECONDS ?? 3));
}

function livezFigures(): Figure[] {
  const shipshape = [WITH_PROBES, ATTACH, ...ADAPTERS];
  return [
    ...[...shipshape, TERMINUS, LIGHTSHIP].map((point) => ({ label: `/livez ${point.variant.name} ÷ bare node:http`, candidate: point, baseline: BARE })),
    ...[WITH_PROBES, ATTACH].flatMap((ours) =>
      [TERMINUS, LIGHTSHIP].map((peer) => ({ label: `/livez ${ours.variant.name} ÷ ${peer.variant.name}`, candidate: ours, baseline: peer, target: WITHIN_NOISE })),
    ),
  ];
}

function passThroughFigures(app: (typeof PASS_THROUGH)[number]): Figure[] {
  const on = (mode: string): Point => at(`${app.name} ${mode}`, app.script, [mode], '/app');
  const mounted = [
    { library: app.name === 'node:http' ? 'withProbes' : 'the adapter', mode: 'adapter', target: WITHIN_NOISE },
    { library: 'attachProbes', mode: 'attach', target: WITHIN_NOISE },
    { library: 'terminus', mode: 'terminus', target: undefined },
  ];
  return mounted.map(({ library, mode, target }) => ({ label: `pass-through /app ${app.name} + ${library} ÷ without`, candidate: on(mode), baseline: on('own'), target }));
}

interface StormRound {
  readonly rps: number;
  readonly runs: number;
  readonly maxConcurrent: number;
  readonly responses: number;
}

/**
 * 50 connections on /readyz of each library's server, in interleaved rounds; the server counts
 * its check's runs (bench/servers/readiness-storm.ts).
 */
async function readinessStorm(durationSec: number): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
  const libraries = ['shipshape', 'terminus'] as const;
  const servers = await Promise.all(libraries.map((library) => startServer({ name: library, script: 'readiness-storm.ts', args: [library] })));
  const results = new Map<string, StormRound[]>(libraries.map((library) => [library, []]));
  try {
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const server = servers[i]!;
        await stats(server.url); // resets the counts
        const load = await measureWithCpu(`${server.url}/readyz`, undefined, { durationSec, connections: 50 });
        const counted = await stats(server.url);
        results.get(libraries[i]!)!.push({ rps: load.rps, responses: load.responses, ...counted });
      }
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
  console.log(`\n## readiness storm (/readyz, one check of 20 ms, 50 connections, ${rounds} rounds × ${durationSec} s)`);
  for (const library of libraries) {
    const r = results.get(library)!;
    const most = Math.max(...r.map((x) => x.maxConcurrent));
    const perResponse = median(r.map((x) => x.runs / x.responses));
    const verdict = library === 'shipshape' ? `, target 1 at once: ${most === 1 ? 'met' : 'NOT met'}` : '';
    console.log(`${library}: ${Math.round(median(r.map((x) => x.rps)))} req/s, at most ${most} runs at once${verdict}, ${perResponse.toFixed(3)} runs per response`);
  }
  console.log("lightship: — (its /ready runs no check: readiness is a flag the app sets)");
}

async function stats(base: string): Promise<{ runs: number; maxConcurrent: number }> {
  return (await (await fetch(`${base}/stats`)).json()) as { runs: number; maxConcurrent: number };
}
