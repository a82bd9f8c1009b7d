/**
 * What a command may touch of the world, as one object: its streams, environment, working
 * directory, clock, child processes and signals. `main.ts` passes the real ones
 * ({@link processIO}); tests pass their own, so that no test ever exits the process, waits
 * on a real clock it does not want, or receives a real signal.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { sleep } from '../core/internal/deadline.js';

/** A stream a command writes lines to. */
export interface OutputStream {
  write(text: string): unknown;
}

/** The streams, environment and effects a command uses (injectable for tests). */
export interface CliIO {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Standard input, for `doctor -`. */
  readonly stdin: AsyncIterable<string | Uint8Array>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory config files are looked up in and relative paths are taken from. */
  readonly cwd: string;
  /** Milliseconds on a monotonic clock (`performance.now()`), for elapsed times. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Starts a child process (`lockedmigrate`'s COMMAND). */
  spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess;
  /** Calls `handler` on each `signal` the process receives; returns a function that stops it. */
  onSignal(signal: NodeJS.Signals, handler: () => void): () => void;
}

/** The real world, for `main.ts`. `node:child_process` is loaded only when a command spawns. */
export async function processIO(): Promise<CliIO> {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // a getter: process.stdin builds a stream (and loads fs streams) when first read, which
    // costs every exec probe milliseconds; only `doctor -` reads it
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    now: () => performance.now(),
    sleep,
    spawn: (command, args, options) => spawnNow(command, args, options),
    onSignal(signal, handler) {
      process.on(signal, handler);
      return () => process.off(signal, handler);
    },
  };
}

// --- internal ---

function spawnNow(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  // getBuiltinModule (Node ≥ 20.16) loads node:child_process synchronously, and only for
  // the commands that spawn
  const { spawn } = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  return spawn(command, args, options);
}
