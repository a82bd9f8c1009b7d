/**
 * `npm run bench [-- FILTER]`: runs every `bench/*.bench.ts` (or those whose name contains
 * FILTER) in name order. Each prints its figures as ratios measured side by side.
 * BENCH_ROUNDS and BENCH_SECONDS tune the pairs (default 5 × 3 s).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { BENCH_DIR } from './_lib.js';

const filter = process.argv[2] ?? '';
const files = (await readdir(BENCH_DIR)).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();
console.log(`shipshape bench — node ${process.version}, ${new Date().toISOString()}`);
for (const file of files) {
  console.log(`\n# ${file}`);
  const module = (await import(path.join(BENCH_DIR, file))) as { default: () => Promise<void> };
  await module.default();
}
