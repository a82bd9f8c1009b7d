/**
 * docs/runtimes.md's examples work as written, on the runtime each is for: every block
 * fenced `js runnable-bun` runs under Bun, `js runnable-deno` under Deno, and `js
 * runnable-any` under Node, Bun and Deno, importing the built package by its name (written to
 * .tmp/docs/ inside the repository, so `shipshape` resolves to dist/). Each must print
 * `listening on http://localhost:PORT` (PORT=0, ADMIN_PORT=0), answer /livez, /readyz and /
 * ("hello"), and exit 0 on SIGTERM; one that serves /events streams until the signal and ends
 * its stream cleanly with `event: bye` before it exits. Every run has a file of its own (`runtimes-LINE.RUNTIME.mjs`): the runs
 * are concurrent, and a file rewritten for the next runtime while the last one is still
 * reading it is how the runs of one block once broke each other.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { before, describe, it, type TestContext } from 'node:test';
import { buildPackage, ROOT } from '../_helpers/build.js';
import { commandLine, findRuntime, requireRuntime, runtimeEnv } from '../_helpers/runtimes.js';
import { POSTGRES_URL, REDIS_URL, requireService } from '../_helpers/services.js';

const DOC = readFileSync(path.join(ROOT, 'docs/runtimes.md'), 'utf8');
const BLOCKS = [...DOC.matchAll(/^```js runnable-(bun|deno|any)\n([\s\S]*?)^```$/gm)].map((match) => ({
  on: match[1] as 'bun' | 'deno' | 'any',
  code: match[2]!,
  line: DOC.slice(0, match.index).split('\n').length,
}));
const DIR = path.join(ROOT, '.tmp/docs');

// concurrently: each example waits out the default delayMs (5 s) after SIGTERM
describe('docs/runtimes.md runnable examples', { concurrency: true }, () => {
  before(() => {
    mkdirSync(DIR, { recursive: true });
    buildPackage(['index.js', 'adapters/fetch.js']);
  });

  it('has two for Bun (the second with two servers and a stream), one for Deno and one for any runtime', () => {
    assert.deepEqual(BLOCKS.map((block) => block.on), ['bun', 'bun', 'deno', 'any']);
  });

  for (const block of BLOCKS) {
    for (const name of block.on === 'any' ? (['node', 'bun', 'deno'] as const) : [block.on]) {
      it(`docs/runtimes.md:${block.line} serves and shuts down on ${name}`, async (t) => {
        const runtime = name === 'node' ? undefined : findRuntime(name);
        if (name !== 'node' && !requireRuntime(t, name, runtime)) return;
        if (!(await servicesOf(t, block.code))) return;
        const file = path.join(DIR, `runtimes-${block.line}.${name}.mjs`);
        writeFileSync(file, block.code);
        const label = runtime?.label ?? `Node ${process.versions.node}`;
        await serveAndStop(runtime ? commandLine(runtime, file) : [process.execPath, file], label, block.code.includes("'/events'"));
      });
    }
  }
});

// --- internal ---

async function servicesOf(t: TestContext, code: string): Promise<boolean> {
  if (code.includes('DATABASE_URL') && !(await requireService(t, 'postgresql', 5432))) return false;
  if (code.includes('REDIS_URL') && !(await requireService(t, 'redis', 6379))) return false;
  return true;
}

async function serveAndStop([command, ...args]: readonly string[], label: string, streams: boolean): Promise<void> {
  const env = runtimeEnv({ PORT: '0', ADMIN_PORT: '0', DATABASE_URL: POSTGRES_URL, REDIS_URL });
  const child = spawn(command!, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // start-up, the default delayMs of 5 s and the drain, on a loaded machine
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    let port: number | undefined;
    for await (const line of readline.createInterface({ input: child.stdout })) {
      port = Number(/^listening on http:\/\/localhost:(\d+)/.exec(line)?.[1]) || undefined;
      if (port) break;
    }
    assert.ok(port, `${label} printed no port:\n${stderr}`);
    const base = `http://127.0.0.1:${port}`;
    for (const [route, body] of [['/livez', 'ok'], ['/readyz', 'ok'], ['/', 'hello']] as const) {
      const response = await fetch(base + route);
      assert.deepEqual([response.status, await response.text()], [200, body], `${label} ${route}:\n${stderr}`);
    }
    const events = streams ? await fetch(`${base}/events`) : undefined;
    child.kill('SIGTERM');
    if (events) assert.match(await events.text(), /\n\nevent: bye\ndata: shutting down\n\n$/, `${label} /events:\n${stderr}`); // rejects if cut
    assert.equal(await exited, 0, `${label} exit on SIGTERM:\n${stderr}`);
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
}
