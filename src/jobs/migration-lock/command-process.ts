/**
 * `lockedmigrate`'s COMMAND as a process: the exit code a shell would report for it, and the
 * signals (SIGTERM, SIGINT, SIGHUP) trapped for the whole run, whose handling changes from
 * "stop waiting" to "pass it on" once COMMAND runs.
 */
import { toReason } from '../../core/reason.js';
import type { CliIO } from '../../cli/_io.js';

export type ChildExit = { readonly error: Error } | { readonly code: number | null; readonly signal: NodeJS.Signals | null };

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

/** SIGTERM, SIGINT and SIGHUP, trapped for the whole run; what they do changes with the phase. */
export interface Signals {
  readonly received: NodeJS.Signals | undefined;
  handle(handler: (signal: NodeJS.Signals) => void): void;
  remove(): void;
}

export function trapSignals(io: CliIO): Signals {
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

