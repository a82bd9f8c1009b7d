/**
 * The command table: each command's name, its one-line summary for `shipshape --help`, and
 * how to load it. A command's module is imported only when it runs, so that an exec probe
 * pays for `probe` alone, never for `doctor`'s YAML parser or `ensureadmin`'s hashers.
 */
import type { FlagOptions } from './_flags.js';
import type { CliIO } from './_io.js';

/** What a command module exports. */
export interface CommandModule {
  /** The command's `--help` text. */
  readonly USAGE: string;
  /** The command's flags, as `parseArgs` takes them (the docs and manifest tests check command lines against them). */
  readonly FLAGS: FlagOptions;
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
  { name: 'probe', summary: 'run a liveness, readiness or startup probe (exec probes, Docker HEALTHCHECK)', load: () => import('./commands/probe.js') },
  { name: 'wait4db', summary: 'wait until the database answers, and keeps answering (init containers)', load: () => import('./commands/wait4db.js') },
  { name: 'wait4', summary: 'wait until databases, Redis, memcached, TCP ports and HTTP endpoints answer', load: () => import('./commands/wait4.js') },
  { name: 'ensureadmin', summary: 'create the admin user once (config hooks, a SQL table or Django)', load: () => import('./commands/ensureadmin.js') },
  { name: 'lockedmigrate', summary: 'run a migration COMMAND under a database-wide lock (init containers)', load: () => import('./commands/lockedmigrate.js') },
  { name: 'doctor', summary: "check Kubernetes manifests against the app's probes and shutdown settings", load: () => import('./commands/doctor.js') },
];
