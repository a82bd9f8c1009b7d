/**
 * `lockedmigrate`'s COMMAND as a process: run with the same stdio and environment, sent the
 * signals the command receives (SIGTERM, SIGINT, SIGHUP, trapped for the whole run, whose
 * handling changes from "stop waiting" to "pass it on" once COMMAND runs), stopped when the
 * lock is lost, and its exit code as a shell would report it.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { toReason } from '../../core/reason.js';
import { TIMING } from './acquire.js';

export type ChildExit = { readonly error: Error } | { readonly code: number | null; readonly signal: NodeJS.Signals | null };

/** The effects a COMMAND needs (the command line's `CliIO`). */
export interface CommandIO {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess;
  onSignal(signal: NodeJS.Signals, handler: () => void): () => void;
}

/** SIGTERM, SIGINT and SIGHUP, trapped for the whole run; what they do changes with the phase. */
export interface Signals {
  readonly received: NodeJS.Signals | undefined;
  handle(handler: (signal: NodeJS.Signals) => void): void;
  remove(): void;
}

export function trapSignals(io: Pick<CommandIO, 'onSignal'>): Signals {
  let handler: ((signal: NodeJS.Signals) => void) | undefined;
  let received: NodeJS.Signals | undefined;
  const removers = (['SIGTERM', 'SIGINT', 'SIGHUP'] as const).map((signal) =>
    io.onSignal(signal, () => {
      received ??= signal;
      handler?.(signal);
    }),
  );
  return {
    get received() {
      return received;
    },
    handle: (next) => (handler = next),
    remove: () => removers.forEach((remove) => remove()),
  };
}

/**
 * Runs COMMAND to its end: each trapped signal is passed on to it (`onPassOn` first), and when
 * `stop` aborts (the lock was lost) it gets SIGTERM, then SIGKILL after
 * {@link TIMING.stopGraceMs}: an interrupted migration is the same as a pod killed
 * mid-migration, which every migration tool must survive (a transactional one rolls back).
 */
export async function runCommand(command: string, args: readonly string[], io: CommandIO, signals: Signals, stop: AbortSignal, onPassOn: (signal: NodeJS.Signals) => void): Promise<ChildExit> {
  const child = io.spawn(command, args, { stdio: 'inherit', env: io.env, cwd: io.cwd });
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (error) => resolve({ error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  signals.handle((signal) => {
    onPassOn(signal);
    child.kill(signal);
  });
  let killTimer: NodeJS.Timeout | undefined;
  const stopCommand = (): void => {
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), TIMING.stopGraceMs);
  };
  stop.addEventListener('abort', stopCommand, { once: true });
  if (stop.aborted) stopCommand();
  const exit = await exited;
  signals.handle(() => {}); // nothing left to pass a signal on to; the release takes a moment
  stop.removeEventListener('abort', stopCommand);
  clearTimeout(killTimer);
  return exit;
}

/** COMMAND's exit code as a shell reports it: its own, 128 + N for signal N, 127/126 when it could not start. */
export function describeExit(exit: ChildExit): { code: number; text: string } {
  if ('error' in exit) {
    const errno = (exit.error as NodeJS.ErrnoException).code;
    const code = errno === 'ENOENT' ? 127 : errno === 'EACCES' ? 126 : 1;
    return { code, text: `could not be started (${errno === 'ENOENT' ? 'not found' : toReason(exit.error)}, exit ${code})` };
  }
  if (exit.signal) return { code: exitCodeOfSignal(exit.signal), text: `was ended by ${exit.signal} (exit ${exitCodeOfSignal(exit.signal)})` };
  return { code: exit.code ?? 1, text: `exited with ${exit.code ?? 1}` };
}

export function exitCodeOfSignal(signal: NodeJS.Signals): number {
  return 128 + (process.getBuiltinModule('node:os').constants.signals[signal] ?? 0);
}
