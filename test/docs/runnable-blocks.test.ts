/**
 * The README's examples work as written:
 * - every code block marked `ts runnable` runs (from src/, through tsx, its `shipshape`
 *   imports pointed at this repository) and exits 0, printing exactly what the `// …`
 *   comments of its `console.log` lines say;
 * - every `shipshape <command> …` line in any code block (shell, YAML, Dockerfile) names a
 *   command that exists and parses with that command's own flags.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { parseFlags } from '../../src/cli/_flags.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { ROOT } from '../_helpers/build.js';
import { startShipshape, TSX } from '../_helpers/cli.js';
import { MEMCACHED_SERVER, POSTGRES_URL, REDIS_URL, requireService } from '../_helpers/services.js';
import { spawn } from 'node:child_process';

const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const BLOCKS = [...README.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].map((match) => ({
  info: match[1]!.trim(),
  code: match[2]!,
  line: README.slice(0, match.index).split('\n').length,
}));
const RUNNABLE = BLOCKS.filter((block) => block.info === 'ts runnable');
const DIR = path.join(ROOT, '.tmp/docs');

/** `'shipshape'` and `'shipshape/node'` imports → this repository's src/, by file URL. */
function pointAtSource(code: string): string {
  return code.replace(/from 'shipshape(\/[a-z]+)?'/g, (_, entry: string | undefined) => {
    const file = entry === undefined ? 'src/index.ts' : `src/adapters${entry}.ts`;
    return `from '${new URL(`file://${path.join(ROOT, file)}`).href}'`;
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
  const env = { ...process.env, DATABASE_URL: POSTGRES_URL, REDIS_URL, MEMCACHED_SERVERS: MEMCACHED_SERVER };
  const child = spawn(process.execPath, ['--import', TSX, file], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => child.on('close', (status) => (clearTimeout(killer), resolve({ status, stdout, stderr }))));
}

describe('README runnable examples', () => {
  before(() => mkdirSync(DIR, { recursive: true }));

  it('has some', () => assert.ok(RUNNABLE.length >= 5, `${RUNNABLE.length} runnable blocks`));

  for (const block of RUNNABLE) {
    it(`README.md:${block.line} runs and prints what its comments say`, async (t) => {
      for (const [variable, name, port] of [['DATABASE_URL', 'postgres', 5432], ['REDIS_URL', 'redis', 6379], ['MEMCACHED_SERVERS', 'memcached', 11211]] as const) {
        if (block.code.includes(variable) && !(await requireService(t, name, port))) return;
      }
      const file = path.join(DIR, `readme-${block.line}.mts`);
      writeFileSync(file, pointAtSource(block.code));
      const result = await run(file);
      assert.equal(result.status, 0, `README.md:${block.line} exited ${result.status}:\n${result.stderr}`);
      assert.deepEqual(result.stdout.split('\n').filter((line) => line !== ''), expectedOutput(block.code));
    });
  }

  it('catches a wrong comment (the check can fail)', async () => {
    const file = path.join(DIR, 'readme-wrong.mts');
    writeFileSync(file, "console.log(1 + 1); // 3\n");
    const result = await run(file);
    assert.notDeepEqual(result.stdout.split('\n').filter(Boolean), expectedOutput("console.log(1 + 1); // 3\n"));
  });
});

/** Commands that take positional arguments (targets, files); the others take flags only. */
const TAKES_POSITIONALS = new Set(['wait4', 'doctor']);
const NAMES = COMMANDS.map((command) => command.name).join('|');
const INVOCATION = new RegExp(`(?:^|[\\s\\[,"'(])(?:npx |npm run -s |[\\w./-]*/)?shipshape(?:\\.js)?["']?(?: --)?,? ["']?(${NAMES})["']?(?=[\\s,\\]]|$)(.*)$`);

/** `shipshape <command> …` lines of every code block: the command and its arguments, shell or YAML-array style. */
function commandLines(): { where: string; name: string; args: string[] }[] {
  return BLOCKS.flatMap((block) => {
    const lines = block.code.split('\n');
    return lines.flatMap((text, index) => {
      const match = INVOCATION.exec(text);
      if (!match || /[<…]|\[-|\| --/.test(match[2]!)) return []; // a synopsis (`[--timeout SEC]`, `--live | --ready`), not a command line
      const rest = match[2]!;
      // `["shipshape", "probe", "--live"]`: a YAML (JSON) array, which may go on over the next lines
      const args = rest.trimStart().startsWith(',') ? arrayArgs([rest, ...lines.slice(index + 1)].join(' ')) : shellArgs(rest);
      return [{ where: `README.md:${block.line + index + 1}`, name: match[1]!, args }];
    });
  });
}

function shellArgs(rest: string): string[] {
  const command = rest.split(/\s(?:#|\||&&|;|2>|>)\s?|;\s|\)$/)[0] ?? '';
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!).filter((arg) => !arg.startsWith('$') || arg === '--');
}

function arrayArgs(rest: string): string[] {
  const inside = rest.slice(0, rest.indexOf(']'));
  return inside.split(',').map((arg) => arg.trim().replace(/^["']|["']$/g, '')).filter(Boolean);
}

describe('README command lines', () => {
  const lines = commandLines();

  it('cover every command', () => {
    for (const { name } of COMMANDS) assert.ok(lines.some((line) => line.name === name), `no README command line runs shipshape ${name}`);
  });

  for (const line of lines) {
    it(`${line.where}: shipshape ${line.name} ${line.args.join(' ')}`, async () => {
      const module = await COMMANDS.find((command) => command.name === line.name)!.load();
      const parsed = parseFlags(line.args, module.FLAGS, true);
      if (!TAKES_POSITIONALS.has(line.name)) assert.deepEqual(parsed.positionals, [], 'no positional arguments');
      if (line.name === 'lockedmigrate') assert.ok(parsed.hasRest && parsed.rest.length > 0, 'lockedmigrate runs a COMMAND after --');
    });
  }

  it('the binary agrees that a made-up flag does not exist (the check can fail)', async () => {
    const run = await startShipshape(['probe', '--ready', '--made-up']).done;
    assert.equal(run.status, 2);
    assert.match(run.stderr, /unknown option --made-up/);
  });
});
