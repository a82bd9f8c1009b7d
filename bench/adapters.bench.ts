// Issue #5: what the framework adapters cost, each figure measured side by side in one run.
// - pass-through: an ordinary route with vs without the adapter (Express, Fastify). Target ≥ 0.99.
// - /livez through each adapter vs that framework's own bare route answering `ok`. Target ≥ 0.95.
import { compare, type Variant } from './_lib.js';

const FRAMEWORKS: readonly { name: string; script: string; args?: string[]; passThrough?: boolean }[] = [
  { name: 'Express 5', script: 'express-app.ts', passThrough: true },
  { name: 'Fastify 5', script: 'fastify-app.ts', passThrough: true },
  { name: 'Koa 3', script: 'koa-app.ts' },
  { name: 'Hono 4', script: 'hono-app.ts' },
  { name: 'Nest (Express)', script: 'nest-app.ts', args: ['express'] },
  { name: 'Nest (Fastify)', script: 'nest-app.ts', args: ['fastify'] },
];

export default async function adapters(): Promise<void> {
  const filter = process.env.BENCH_ADAPTERS?.toLowerCase();
  const lines: string[] = [];
  for (const framework of FRAMEWORKS) {
    if (filter && !framework.name.toLowerCase().includes(filter)) continue;
    const bare: Variant = { name: `bare ${framework.name}`, script: framework.script, args: framework.args ?? [] };
    const probed: Variant = { name: `${framework.name} + adapter`, script: framework.script, args: [...(framework.args ?? []), 'probes'] };
    if (framework.passThrough) {
      const result = await compare({ label: `pass-through /app ${framework.name}`, baseline: bare, candidate: probed, urlPath: '/app' });
      lines.push(verdict(`pass-through ${framework.name}`, result.ratio, 0.99));
    }
    const result = await compare({ label: `/livez ${framework.name}`, baseline: bare, candidate: probed, urlPath: '/livez' });
    lines.push(verdict(`/livez ${framework.name}`, result.ratio, 0.95));
  }
  console.log(`\n${lines.join('\n')}`);
}

function verdict(label: string, ratio: number, target: number): string {
  return `${label}: ratio ${ratio.toFixed(3)}, target ≥ ${target}: ${ratio >= target ? 'met' : 'NOT met'}`;
}
