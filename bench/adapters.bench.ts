// Issues #5 and #12: what the framework adapters and attachProbes cost, each figure measured
// side by side in one group of servers per framework (compareGroup in _lib.ts):
// - /livez through the adapter ÷ the framework's own /livez route answering the same bytes (≥ 0.95);
// - /livez through attachProbes on the framework's server ÷ a bare node:http server (≥ 0.95),
//   ÷ a bare handler on the framework's own server in its own process (≥ 0.95: what attach
//   itself costs, without what the booted framework costs node:http), and ÷ @godaddy/terminus
//   on the same server (≥ 1: at or above terminus);
// - the adapter ÷ terminus on the same app (no target: the adapter runs inside the framework);
// - pass-through: an ordinary route with the adapter or attachProbes ÷ without (≥ 0.99,
//   0.97 allowed on this noisy machine), and with a no-op middleware (Koa, Hono: the floor).
// BENCH_ADAPTERS=koa (a substring of the names) runs some groups only; 1.5 s a measurement by
// default so that the whole run stays near ten minutes (BENCH_SECONDS, BENCH_ROUNDS).
import { compareGroup, variant as serverVariant, type Figure, type FigureResult, type Point, type Variant } from './_lib.js';

interface Framework {
  readonly name: string;
  readonly script: string;
  readonly args?: readonly string[];
  /** Measure @godaddy/terminus on the same server (its README names Express and Koa; Fastify's is a plain node:http server too). */
  readonly terminus?: boolean;
  /** Measure attachProbes' pass-through too (the same code on every server: two frameworks suffice). */
  readonly attachPassThrough?: boolean;
  /** Measure a no-op middleware's pass-through: the floor of any middleware there. */
  readonly noop?: boolean;
  /** Measure the adapter's pass-through beside an app's own no-op hook ÷ that hook alone (Fastify: the first onRequest hook costs the most). */
  readonly besideAppHook?: boolean;
}

const FRAMEWORKS: readonly Framework[] = [
  { name: 'Express 5', script: 'express-app.ts', terminus: true, attachPassThrough: true },
  { name: 'Fastify 5', script: 'fastify-app.ts', terminus: true, attachPassThrough: true, noop: true, besideAppHook: true },
  { name: 'Koa 3', script: 'koa-app.ts', terminus: true, noop: true },
  { name: 'Hono 4', script: 'hono-app.ts', noop: true },
  { name: 'Nest 11 (Express)', script: 'nest-app.ts', args: ['express'] },
  { name: 'Nest 11 (Fastify)', script: 'nest-app.ts', args: ['fastify'] },
];

const BARE: Point = { variant: { name: 'bare node:http', script: 'node-bare.ts' }, path: '/livez' };
const PASS_THROUGH = 0.97;

export default async function adapters(): Promise<void> {
  const filter = process.env.BENCH_ADAPTERS?.toLowerCase();
  const durationSec = Number(process.env.BENCH_SECONDS ?? 1.5);
  const results: FigureResult[] = [];
  for (const framework of FRAMEWORKS) {
    if (filter && !framework.name.toLowerCase().includes(filter)) continue;
    results.push(...(await compareGroup({ title: framework.name, figures: frameworkFigures(framework), durationSec })));
  }
  if (!filter || 'node:http'.includes(filter)) results.push(...(await compareGroup({ title: 'node:http', figures: nodeFigures(), durationSec })));
  console.log('\n## summary');
  for (const r of results) {
    const cpu = r.cpuRatio === undefined ? '' : `, CPU/request ${r.cpuRatio.toFixed(3)}`;
    console.log(`${r.label}: ${r.ratio.toFixed(3)}${r.target === undefined ? '' : ` (target ≥ ${r.target}: ${r.ratio >= r.target ? 'met' : 'NOT met'})`}${cpu}`);
  }
}

function frameworkFigures(f: Framework): Figure[] {
  const at = (mode: string, path: string): Point => ({ variant: variant(f, mode), path });
  const figures: Figure[] = [{ label: `/livez ${f.name} adapter ÷ ${f.name}'s own /livez`, candidate: at('adapter', '/livez'), baseline: at('own', '/livez'), target: 0.95 }];
  if (f.terminus) {
    figures.push(
      { label: `/livez ${f.name} adapter ÷ terminus on ${f.name}`, candidate: at('adapter', '/livez'), baseline: at('terminus', '/livez') },
      { label: `/livez ${f.name} + attachProbes ÷ terminus on ${f.name}`, candidate: at('attach', '/livez'), baseline: at('terminus', '/livez'), target: 1 },
    );
  }
  figures.push(
    { label: `/livez ${f.name} + attachProbes ÷ a bare handler on ${f.name}'s server`, candidate: at('attach', '/livez'), baseline: at('bare', '/livez'), target: 0.95 },
    { label: `/livez ${f.name} + attachProbes ÷ bare node:http`, candidate: at('attach', '/livez'), baseline: BARE, target: 0.95 },
  );
  if (f.terminus) figures.push({ label: `/livez ${f.name} + terminus ÷ bare node:http`, candidate: at('terminus', '/livez'), baseline: BARE });
  figures.push({ label: `pass-through /app ${f.name} adapter ÷ without`, candidate: at('adapter', '/app'), baseline: at('own', '/app'), target: PASS_THROUGH });
  if (f.noop) figures.push({ label: `pass-through /app ${f.name} + a no-op middleware ÷ without`, candidate: at('noop', '/app'), baseline: at('own', '/app') });
  if (f.besideAppHook) {
    figures.push({ label: `pass-through /app ${f.name} adapter beside the app's own hook ÷ that hook alone`, candidate: at('adapter+noop', '/app'), baseline: at('noop', '/app'), target: PASS_THROUGH });
  }
  if (f.attachPassThrough) {
    figures.push({ label: `pass-through /app ${f.name} + attachProbes ÷ without`, candidate: at('attach', '/app'), baseline: at('own', '/app'), target: PASS_THROUGH });
  }
  return figures;
}

function nodeFigures(): Figure[] {
  const node = (mode: string): Point => ({ variant: variant({ name: 'node:http', script: 'node-app.ts' }, mode), path: '/livez' });
  const lightship: Point = { variant: { name: 'lightship', script: 'lightship.ts' }, path: '/live' };
  return [
    { label: '/livez node:http + attachProbes ÷ bare node:http', candidate: node('attach'), baseline: BARE, target: 0.95 },
    { label: '/livez node:http + terminus ÷ bare node:http', candidate: node('terminus'), baseline: BARE },
    { label: '/livez node:http + attachProbes ÷ terminus', candidate: node('attach'), baseline: node('terminus'), target: 1 },
    { label: "/live lightship's own server ÷ bare node:http", candidate: lightship, baseline: BARE },
  ];
}

/** The framework's server in one mode (_mode.ts), or two joined by `+` (`adapter+noop`). */
function variant(f: Framework, mode: string): Variant {
  return serverVariant(`${f.name} ${mode}`, f.script, [...(f.args ?? []), ...mode.split('+')]);
}
