// Start-up: what importing shipshape costs a process (issue #9: ≤ 15 ms over `node -e 0`
// for `import('shipshape')` and `import('shipshape/node')`), and what an exec probe costs
// (issue #10: `shipshape probe --live` in-process, `--socket` and `--url`, each ≤ 1.5×
// `node -e 0`; issue #20: `--grpc` within the same budget), measured against the built package (`node dist/cli/main.js`; run
// `npm run build` first; the bench builds when dist/ is missing).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from './_lib.js';
import { measureStartup, printStartup, ROOT, type StartupVariant } from './_startup.js';

const NODE: StartupVariant = { name: 'node -e 0', args: ['-e', '0'] };

export const IMPORTS: readonly StartupVariant[] = [
  { name: "import('shipshape')", args: ['--input-type=module', '-e', "await import('shipshape')"] },
  { name: "import('shipshape/node')", args: ['--input-type=module', '-e', "await import('shipshape/node')"] },
];

/** The exec probes of issues #10 and #20, against a running process with probes on a port, a Unix socket and a gRPC port. */
function probeVariants(socket: string, url: string, grpc: string): StartupVariant[] {
  const bin = path.join(ROOT, 'dist/cli/main.js');
  return [
    { name: 'shipshape probe --live', args: [bin, 'probe', '--live'] },
    { name: 'shipshape probe --live --socket', args: [bin, 'probe', '--live', '--socket', socket] },
    { name: 'shipshape probe --live --url', args: [bin, 'probe', '--live', '--url', url] },
    { name: 'shipshape probe --ready --socket', args: [bin, 'probe', '--ready', '--socket', socket] },
    { name: 'shipshape probe --ready --grpc', args: [bin, 'probe', '--ready', '--grpc', grpc] },
  ];
}

export default async function startup(): Promise<void> {
  if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(path.join(tmpdir(), 'ss-bench-'));
  const socket = path.join(dir, 'probes.sock');
  let grpcPort: (port: string) => void = () => {};
  const grpc = new Promise<string>((resolve) => (grpcPort = resolve));
  const target = await startServer({ name: 'probe target', script: 'probe-target.ts', args: [socket] }, { onLine: (line) => grpcPort(/^grpc (\d+)$/.exec(line)?.[1] ?? '') });
  try {
    const probes = probeVariants(socket, target.url, `127.0.0.1:${await grpc}`);
    const figures = measureStartup(NODE, [...IMPORTS, ...probes]);
    printStartup(figures, NODE.name);
    for (const figure of figures.slice(1)) {
      if (IMPORTS.some((variant) => variant.name === figure.name)) {
        console.log(`${figure.name}: ${figure.overBaselineMs.toFixed(1)} ms over node -e 0, target ≤ 15 ms: ${figure.overBaselineMs <= 15 ? 'met' : 'NOT met'}`);
      } else {
        console.log(`${figure.name}: ${figure.ratio.toFixed(2)}× node -e 0, target ≤ 1.5×: ${figure.ratio <= 1.5 ? 'met' : 'NOT met'}`);
      }
    }
  } finally {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
