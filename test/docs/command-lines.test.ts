/**
 * Every `shipshape <command> …` line in any code block (shell, YAML, Dockerfile) of README.md
 * or a page below docs/ names a command that exists and parses with that command's own flags
 * (its `FLAGS`, through the CLI's own parser), and every command is shown somewhere.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlags } from '../../src/cli/_flags.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { startShipshape } from '../_helpers/cli.js';
import { codeBlocks } from '../_helpers/docs.js';

/** Commands that take positional arguments (targets, files); the others take flags only. */
const TAKES_POSITIONALS = new Set(['wait4', 'doctor']);
const NAMES = COMMANDS.map((command) => command.name).join('|');
const INVOCATION = new RegExp(`(?:^|[\\s\\[,"'(])(?:npx |npm run -s |[\\w./-]*/)?shipshape(?:\\.js)?["']?(?: --)?,? ["']?(${NAMES})["']?(?=[\\s,\\]]|$)(.*)$`);

/** `shipshape <command> …` lines of every code block: the command and its arguments, shell or YAML-array style. */
function commandLines(): { where: string; name: string; args: string[] }[] {
  return codeBlocks().flatMap((block) => {
    const lines = block.code.split('\n');
    return lines.flatMap((text, index) => {
      const match = INVOCATION.exec(text);
      if (!match || /[<…]|\[-|\| --/.test(match[2]!)) return []; // a synopsis (`[--timeout SEC]`, `--live | --ready`), not a command line
      const rest = match[2]!;
      // `["shipshape", "probe", "--live"]`: a YAML (JSON) array, which may go on over the next lines
      const args = rest.trimStart().startsWith(',') ? arrayArgs([rest, ...lines.slice(index + 1)].join(' ')) : shellArgs(rest);
      return [{ where: `${block.file}:${block.line + index + 1}`, name: match[1]!, args }];
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

describe('command lines of README.md and docs/', () => {
  const lines = commandLines();

  it('cover every command', () => {
    for (const { name } of COMMANDS) assert.ok(lines.some((line) => line.name === name), `no command line in README.md or docs/ runs shipshape ${name}`);
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
