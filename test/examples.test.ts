/**
 * Every file in examples/ runs as a user would run it (`node examples/express.mjs`),
 * against the built package: it imports `shipshape` and `shipshape/<framework>`, which
 * resolve to dist/ through this package's own `exports` (Node resolves a package's own
 * name from inside it). Each is started on PORT=0 and asked for its /readyz.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { buildPackage, ROOT } from './_helpers/build.js';

const EXAMPLES = readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.mjs')).sort();
const ENTRIES = ['index', 'adapters/node', 'adapters/express', 'adapters/fastify', 'adapters/koa', 'adapters/hono', 'adapters/nest', 'adapters/fetch'];

describe('examples', () => {
  const children: ChildProcess[] = [];

  before(() => buildPackage(ENTRIES.flatMap((entry) => [`${entry}.js`, `${entry}.d.ts`])));

  after(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    }
  });

  it('loads the core as one chunk, and every entry shares its classes', async () => {
    const imports = readFileSync(path.join(ROOT, 'dist/index.js'), 'utf8').match(/^(import|export) [^;]*? from "[^"]+";$/gm) ?? [];
    assert.equal(imports.length, 1, `dist/index.js imports one chunk (scripts/build.mjs), not:\n${imports.join('\n')}`);
    const core = (await import(pathToFileURL(path.join(ROOT, 'dist/index.js')).href)) as typeof import('../src/index.js');
    // the adapters that take the probes first (Fastify's plugin and Nest's module take options)
    for (const adapter of ['adapters/node', 'adapters/express', 'adapters/koa', 'adapters/hono', 'adapters/fetch']) {
      const module = (await import(pathToFileURL(path.join(ROOT, 'dist', `${adapter}.js`)).href)) as Record<string, (probes: unknown) => unknown>;
      const build = Object.values(module)[0]!;
      assert.throws(() => build(null), core.InvalidOptionError, `${adapter} throws the index's own InvalidOptionError`);
    }
  });

  it('has one example per framework', () => {
    assert.deepEqual(EXAMPLES, ['express.mjs', 'fastify.mjs', 'fetch.mjs', 'hono.mjs', 'koa.mjs', 'nest.mjs', 'node.mjs']);
  });

  for (const file of EXAMPLES) {
    it(`node examples/${file} starts and answers /readyz and /livez`, async () => {
      const child = spawn(process.execPath, [path.join('examples', file)], { cwd: ROOT, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let stderr = '';
      child.stderr!.on('data', (chunk) => (stderr += chunk));
      const port = await portOf(child);
      assert.ok(port, `${file} printed no port; stderr:\n${stderr}`);
      const base = `http://127.0.0.1:${port}`;
      // readiness passes once the example's stand-in client is connected (200 ms after start)
      let ready = await ask(`${base}/readyz`);
      for (const deadline = Date.now() + 5000; ready.status !== 200 && Date.now() < deadline; ) {
        assert.deepEqual(ready, { status: 503, body: '[-]queue failed: queue: not connected\nreadyz check failed\n' });
        await new Promise((resolve) => setTimeout(resolve, 50));
        ready = await ask(`${base}/readyz`);
      }
      assert.deepEqual(ready, { status: 200, body: 'ok' });
      assert.deepEqual(await ask(`${base}/livez`), { status: 200, body: 'ok' });
      assert.deepEqual(await ask(`${base}/`), { status: 200, body: 'hello' });
      child.kill('SIGKILL');
      await once(child, 'exit');
    });
  }
});

// --- internal ---

async function portOf(child: ChildProcess): Promise<number | undefined> {
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  try {
    for await (const line of readline.createInterface({ input: child.stdout! })) {
      const match = /^listening on http:\/\/localhost:(\d+)/.exec(line);
      if (match) return Number(match[1]);
    }
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

async function ask(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}
