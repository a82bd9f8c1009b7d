/**
 * The `shipshape` command line, as a pure function: arguments and streams in, exit code
 * out. Only `main.ts` reads `process.argv` and exits.
 */
import { readFileSync } from 'node:fs';

/** The streams and environment a command uses (injectable for tests). */
export interface CliIO {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Exit codes (SPEC §5). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const USAGE = `Usage: shipshape <command> [options]

Kubernetes probes, checks and pod jobs for Node.js apps.

Options:
  --version   print the version
  --help      print this help

Commands (probe, wait4db, wait4, ensureadmin, lockedmigrate) arrive in the next releases.
`;

/** Runs the command line `argv` (without `node` and the script) and resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [first] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(USAGE);
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  io.stderr.write(`shipshape: unknown command or option ${JSON.stringify(first)} (see shipshape --help)\n`);
  return EXIT.usage;
}

// --- internal ---

function version(): string {
  // src/cli/cli.ts and dist/cli/cli.js are both two levels below package.json
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
