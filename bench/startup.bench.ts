// Start-up: what importing shipshape costs a process (issue #9: ≤ 15 ms over `node -e 0`
// for `import('shipshape')` and `import('shipshape/node')`), measured against the built
// package (run `npm run build` first; the bench builds when dist/ is missing).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { measureStartup, printStartup, ROOT, type StartupVariant } from './_startup.js';

const NODE: StartupVariant = { name: 'node -e 0', args: ['-e', '0'] };

export const IMPORTS: readonly StartupVariant[] = [
  { name: "import('shipshape')", args: ['--input-type=module', '-e', "await import('shipshape')"] },
  { name: "import('shipshape/node')", args: ['--input-type=module', '-e', "await import('shipshape/node')"] },
];

export default async function startup(): Promise<void> {
  if (!existsSync(path.join(ROOT, 'dist/index.js'))) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const figures = measureStartup(NODE, IMPORTS);
  printStartup(figures, NODE.name);
  for (const figure of figures.slice(1)) {
    console.log(`${figure.name}: ${figure.overBaselineMs.toFixed(1)} ms over node -e 0, target ≤ 15 ms: ${figure.overBaselineMs <= 15 ? 'met' : 'NOT met'}`);
  }
}
