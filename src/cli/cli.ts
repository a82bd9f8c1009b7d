/**
 * The `shipshape` command line, as a pure function: arguments and an {@link CliIO} in, exit
 * code out. Only `main.ts` reads `process.argv` and exits.
 */
import { isShipshapeError } from '../core/errors.js';
import { toReason } from '../core/reason.js';
import type { CliIO } from './_io.js';
import { COMMANDS, type Command } from './commands.js';

export type { CliIO } from './_io.js';

/** Exit codes (SPEC §5): the thing checked is there / is not, failed or timed out / usage or configuration error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Runs the command line `argv` (without `node` and the script) and resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const command = first === 'help' && rest[0] !== undefined ? find(rest[0]) : undefined;
    if (command) return runCli([command.name, '--help'], io);
    io.stdout.write(usage());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  const command = find(first);
  if (!command) {
    io.stderr.write(`shipshape: unknown command or option ${JSON.stringify(first)} (see shipshape --help)\n`);
    return EXIT.usage;
  }
  const module = await command.load();
  const own = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (own.includes('--help') || own.includes('-h')) {
    io.stdout.write(module.USAGE);
    return EXIT.ok;
  }
  try {
    return await module.run(rest, io);
  } catch (error) {
    return failed(command, error, io);
  }
}

// --- internal ---

/** A usage error may list every accepted form (`wait4`'s targets): longer than a probe's reason. */
const USAGE_MESSAGE_LENGTH = 400;

function find(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/** Usage and configuration errors (and a missing driver: a setup problem) exit 2; anything else 1. */
function failed(command: Command, error: unknown, io: CliIO): number {
  const code = isShipshapeError(error) ? error.code : undefined;
  if (code === 'SHIPSHAPE_USAGE' || code === 'SHIPSHAPE_INVALID_OPTION') {
    io.stderr.write(`shipshape ${command.name}: ${toReason(error, USAGE_MESSAGE_LENGTH)} (see shipshape ${command.name} --help)\n`);
    return EXIT.usage;
  }
  io.stderr.write(`shipshape ${command.name}: ${toReason(error)}\n`);
  return code === 'SHIPSHAPE_CONFIG' || code === 'SHIPSHAPE_DRIVER_MISSING' ? EXIT.usage : EXIT.failed;
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length), 8) + 2;
  const commands = COMMANDS.map((command) => `  ${command.name.padEnd(width)}${command.summary}`).join('\n');
  return `Usage: shipshape <command> [options]

Kubernetes probes, checks and pod jobs for Node.js apps.

Commands:
${commands}

Options:
  --version   print the version
  --help      print this help

Run \`shipshape <command> --help\` for the options of a command.
`;
}

/** The package's version, from the package.json above this file (in src/ and in dist/ alike). */
function version(): string {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(process.getBuiltinModule('node:fs').readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'shipshape' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: look one level up
    }
    if (dir.pathname === '/') return 'unknown';
  }
}
