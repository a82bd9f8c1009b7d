/**
 * The documentation's examples work as written: every code block marked `ts runnable` in
 * README.md or any page below docs/ runs (from src/, through tsx, its `shipshape` imports
 * pointed at this repository) and exits 0, printing exactly what the `// …` comments of its
 * `console.log` lines say.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { ROOT } from '../_helpers/build.js';
import { TSX } from '../_helpers/cli.js';
import { codeBlocks } from '../_helpers/docs.js';
import { MEMCACHED_SERVER, POSTGRES_URL, REDIS_URL, requireService } from '../_helpers/services.js';

const RUNNABLE = codeBlocks().filter((block) => block.info === 'ts runnable');
const DIR = path.join(ROOT, '.tmp/docs');

/** The variables a block may read, the service each one names, and its value in the tests. */
const SERVICES = [
  { variable: 'DATABASE_URL', name: 'postgres', port: 5432, value: POSTGRES_URL },
  { variable: 'REDIS_URL', name: 'redis', port: 6379, value: REDIS_URL },
  { variable: 'MEMCACHED_SERVERS', name: 'memcached', port: 11211, value: MEMCACHED_SERVER },
] as const;

/** package.json `exports`: `'./express'` → `./dist/adapters/express.js`. */
const EXPORTS = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | { default?: string }> }).exports;

/**
 * `'shipshape'` and `'shipshape/<entry>'` imports → the entry's source in this repository, by
 * file URL, found from package.json's `exports` as the build finds it (`./dist/x.js` is built
 * from `src/x.ts`), so an entry point added later works in examples at once.
 */
function pointAtSource(code: string): string {
  return code.replace(/(from\s*|import\s*\(\s*)(['"])shipshape(\/[\w-]+)?\2/g, (whole, before: string, quote: string, entry: string | undefined) => {
    const target = EXPORTS[`.${entry ?? ''}`];
    const built = typeof target === 'string' ? target : target?.default;
    if (built === undefined) return whole; // not an entry point: the block fails to import it, and says which
    const source = path.join(ROOT, built.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
    return `${before}${quote}${new URL(`file://${source}`).href}${quote}`;
  });
}

/** What the block's `console.log(…); // expected` lines say it prints, in order. */
function expectedOutput(code: string): string[] {
  return code.split('\n').flatMap((line) => {
    const expected = /console\.log\(.*\);\s*\/\/ (.*)$/.exec(line)?.[1];
    return expected === undefined ? [] : [expected];
  });
}

function run(file: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env, ...Object.fromEntries(SERVICES.map((service) => [service.variable, service.value])) };
  const child = spawn(process.execPath, ['--import', TSX, file], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.on('close', (status) => (clearTimeout(killer), resolve({ status, stdout, stderr }))));
}

describe('runnable examples of README.md and docs/', () => {
  before(() => mkdirSync(DIR, { recursive: true }));

  it('has some', () => assert.ok(RUNNABLE.length >= 5, `${RUNNABLE.length} runnable blocks`));

  for (const block of RUNNABLE) {
    const where = `${block.file}:${block.line}`;
    it(`${where} runs and prints what its comments say`, async (t) => {
      for (const { variable, name, port } of SERVICES) {
        if (block.code.includes(variable) && !(await requireService(t, name, port))) return;
      }
      const file = path.join(DIR, `${block.file.replace(/\.md$/, '').replaceAll('/', '-')}-${block.line}.mts`);
      writeFileSync(file, pointAtSource(block.code));
      const result = await run(file);
      assert.equal(result.status, 0, `${where} exited ${result.status}:\n${result.stderr}`);
      assert.deepEqual(result.stdout.split('\n').filter((line) => line !== ''), expectedOutput(block.code));
    });
  }

  it('points every entry point at its source', () => {
    const code = pointAtSource("import { a } from 'shipshape';\nimport { b } from \"shipshape/node\";\nconst c = await import('shipshape/express');\nimport { d } from 'shipshape/made-up';");
    assert.match(code, /from 'file:\/\/.*\/src\/index\.ts'/);
    assert.match(code, /from "file:\/\/.*\/src\/adapters\/node\.ts"/);
    assert.match(code, /import\('file:\/\/.*\/src\/adapters\/express\.ts'\)/);
    assert.match(code, /from 'shipshape\/made-up'/, 'an unknown entry is left as written');
  });

  it('catches a wrong comment (the check can fail)', async () => {
    const file = path.join(DIR, 'docs-wrong.mts');
    writeFileSync(file, "console.log(1 + 1); // 3\n");
    const result = await run(file);
    assert.notDeepEqual(result.stdout.split('\n').filter(Boolean), expectedOutput("console.log(1 + 1); // 3\n"));
  });
});
