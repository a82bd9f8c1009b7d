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
 * - One chunk for the core: esbuild puts a module in the chunk of the set of entry points
 *   (static and `import()`) that reach it, so the core the index imports came out as ~20
 *   chunks, one for each subset the adapters and commands happen to share, and
 *   `import('shipshape')` spent ~13 ms on loading those files (one file of the same code
 *   loads in ~2 ms). So every module the index does not reach statically (adapters, CLI,
 *   lazily loaded parts) also imports the index: every module of the core is then reached by
 *   every entry, and lands in one chunk. The import is never a cycle (the index does not
 *   reach those modules) and costs nothing: the adapters and commands load that chunk anyway.
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

const INDEX = path.join(root, 'src', 'index.ts');
const common = {
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
};
const { metafile } = await build({ ...common, write: false, metafile: true });
const core = staticallyReached(metafile, path.relative(root, INDEX));
await build({ ...common, plugins: [importIndexOutsideCore(core)] });
for (const bin of Object.values(pkg.bin)) chmodSync(path.join(root, bin), 0o755);

// Data files the code reads at run time: `ensureadmin`'s common-password list (Django's,
// with its licence), from src/jobs/admin/ to dist/cli/, where the bundled code looks for it
// (src/jobs/admin/password-policy.ts)
for (const file of ['common-passwords.txt.gz', 'common-passwords.LICENSE']) copyFileSync(path.join(root, 'src/jobs/admin', file), path.join(root, 'dist/cli', file));

/** The source files (relative to the root) that `entry` reaches through static imports. */
function staticallyReached(metafile, entry) {
  const reached = new Set();
  const visit = (file) => {
    if (reached.has(file) || !metafile.inputs[file]) return;
    reached.add(file);
    for (const edge of metafile.inputs[file].imports) if (edge.kind === 'import-statement') visit(edge.path);
  };
  visit(entry);
  return reached;
}

/** Appends `import` of the index to every source file outside `core` (see the header). */
function importIndexOutsideCore(core) {
  return {
    name: 'import-index-outside-core',
    setup(builder) {
      builder.onLoad({ filter: /\/src\/.*\.ts$/ }, (args) => {
        if (core.has(path.relative(root, args.path))) return undefined;
        const source = readFileSync(args.path, 'utf8');
        return { contents: `${source}\nimport { createProbes as __core } from ${JSON.stringify(INDEX)};\nvoid __core;\n`, loader: 'ts' };
      });
    },
  };
}
