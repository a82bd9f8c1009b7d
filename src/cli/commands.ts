/**
 * The command table: each command's name, its one-line summary for `shipshape --help`, and
 * how to load it. A command's module is imported only when it runs, so that an exec probe
 * pays for `probe` alone, never for `doctor`'s YAML parser or `ensureadmin`'s hashers.
 */
import type { CliIO } from './_io.js';

/** What a command module exports. */
export interface CommandModule {
  /** The command's `--help` text. */
  readonly USAGE: string;
  /** Runs the command with its arguments (after the command name) and resolves to the exit code. */
  run(argv: readonly string[], io: CliIO): Promise<number>;
}

/** A row of the command table. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  load(): Promise<CommandModule>;
}

/** Every command, in the order `shipshape --help` lists them. */
export const COMMANDS: readonly Command[] = [
  { name: 'doctor', summary: "check Kubernetes manifests against the app's probes and shutdown settings", load: () => import('./doctor.js') },
];
