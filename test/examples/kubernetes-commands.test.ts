/**
 * Every `shipshape …` command line in examples/kubernetes/ (container commands and args,
 * exec probes, lifecycle hooks) names a command that exists and parses with that command's
 * own flags (its `FLAGS`, through the CLI's own parser), so a manifest copied from the
 * examples never fails with "unknown option" in an init container at 3 a.m.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseFlags } from '../../src/cli/_flags.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { ROOT } from '../_helpers/build.js';

const DIR = path.join(ROOT, 'examples/kubernetes');

/** Commands that take positional arguments (their targets); the others take flags only. */
const TAKES_POSITIONALS = new Set(['wait4', 'doctor']);

interface CommandLine {
  readonly where: string;
  readonly argv: readonly string[];
}

/** Every string array under `command`/`args` keys of the documents, container command and args joined. */
function commandLines(): CommandLine[] {
  const lines: CommandLine[] = [];
  for (const file of readdirSync(DIR).filter((name) => name.endsWith('.yaml'))) {
    for (const [index, document] of parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8')).entries()) {
      walk(document.toJS(), `${file} #${index}`, lines);
    }
  }
  return lines;
}

function walk(node: unknown, where: string, lines: CommandLine[]): void {
  if (Array.isArray(node)) return node.forEach((item, index) => walk(item, `${where}[${index}]`, lines));
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if (Array.isArray(record.command) || Array.isArray(record.args)) {
    lines.push({ where, argv: [...((record.command as string[] | undefined) ?? []), ...((record.args as string[] | undefined) ?? [])] });
  }
  for (const [key, value] of Object.entries(record)) if (key !== 'command' && key !== 'args') walk(value, `${where}.${key}`, lines);
}

/** The arguments after the program, when the command line runs shipshape (`shipshape …` or `node …/shipshape/dist/cli/main.js …`). */
function shipshapeArgs(argv: readonly string[]): readonly string[] | undefined {
  const program = argv.findIndex((arg) => path.basename(arg) === 'shipshape' || arg.endsWith('/shipshape/dist/cli/main.js'));
  return program === -1 ? undefined : argv.slice(program + 1);
}

describe('shipshape command lines in examples/kubernetes', () => {
  const lines = commandLines().flatMap((line) => {
    const args = shipshapeArgs(line.argv);
    return args ? [{ ...line, args }] : [];
  });

  it('exist: every command is used at least once', () => {
    const used = new Set(lines.map((line) => line.args[0]));
    for (const name of ['probe', 'wait4db', 'ensureadmin', 'lockedmigrate']) assert.ok(used.has(name), `no example runs shipshape ${name}`);
  });

  for (const line of lines) {
    it(`${line.where}: shipshape ${line.args.join(' ')}`, async () => {
      const [name, ...rest] = line.args;
      const command = COMMANDS.find((candidate) => candidate.name === name);
      assert.ok(command, `unknown command ${name}`);
      const module = await command.load();
      const parsed = parseFlags(rest, module.FLAGS, true);
      if (!TAKES_POSITIONALS.has(name!)) assert.deepEqual(parsed.positionals, [], 'no positional arguments');
      if (name === 'lockedmigrate') assert.ok(parsed.hasRest && parsed.rest.length > 0, 'lockedmigrate runs a COMMAND after --');
    });
  }

  it('refuses a flag that does not exist (the check can fail)', async () => {
    const probe = await COMMANDS.find((command) => command.name === 'probe')!.load();
    assert.throws(() => parseFlags(['--ready', '--socket-path', '/run/app.sock'], probe.FLAGS, true), /unknown option --socket-path/);
  });
});
