#!/usr/bin/env node
/**
 * `npm run build`: dist/ from src/.
 *
 * - Types: `tsc` emits the declarations, a mirror of src/ (`dist/index.d.ts`,
 *   `dist/adapters/express.d.ts`, …), which every `exports` entry points at.
 * - Code: esbuild bundles each entry point of package.json (`exports` and `bin`) with its
 *   shared code split into chunks (ESM, Node 20.19). Why not tsc's mirror for the code too:
 *   loading ~60 small ES modules costs about 35 ms on a small machine before any of them
 *   runs, and every exec probe and CLI command would pay it; a bundle loads in a few
 *   milliseconds (BENCHMARKS.md, "start-up"). Dependencies stay external: the package has
 *   none at run time, and drivers and frameworks are the app's (peer dependencies).
 *   Commands and drivers loaded with `import()` stay separate chunks, loaded only when used.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

rmSync(path.join(root, 'dist'), { recursive: true, force: true });

const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

/** `./dist/adapters/express.js` → `{ 'adapters/express': 'src/adapters/express.ts' }` */
const targets = [...Object.values(pkg.exports).map((target) => target.default).filter(Boolean), ...Object.values(pkg.bin)];
const entryPoints = Object.fromEntries(
  targets.map((target) => {
    const name = target.replace(/^\.\/dist\//, '').replace(/\.js$/, '');
    return [name, path.join(root, 'src', `${name}.ts`)];
  }),
);

await build({
  entryPoints,
  outdir: path.join(root, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
for (const bin of Object.values(pkg.bin)) chmodSync(path.join(root, bin), 0o755);

// Data files the code reads at run time, beside the same relative path as in src/:
// `ensureadmin`'s common-password list (Django's, with its licence)
for (const file of ['cli/common-passwords.txt.gz', 'cli/common-passwords.LICENSE']) copyFileSync(path.join(root, 'src', file), path.join(root, 'dist', file));
