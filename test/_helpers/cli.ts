/**
 * Running the `shipshape` binary in tests: as a real child process (`shipshape()`, through
 * tsx from src/, the way every command's flags, exit codes and output are tested), or
 * in-process with a recording {@link CliIO} (`memoryIO()`), where a test needs to control
 * the clock or signals.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './build.js';
import type { CliIO } from '../../src/cli/_io.js';
import { sleep } from '../../src/core/internal/deadline.js';

export const MAIN = path.join(ROOT, 'src/cli/main.ts');
/**
 * tsx by URL: `--import tsx` would be resolved from the child's working directory, which a
 * test may set to a project directory without node_modules.
 */
export const TSX = import.meta.resolve('tsx');

/** What a finished run printed and how it exited. */
export interface CliRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time from spawn to exit, in ms. */
  readonly elapsedMs: number;
}

export interface ShipshapeOptions {
  /** Added to a copy of this process's environment (without DATABASE_URL, REDIS_URL, MEMCACHED_SERVERS, AMQP_URL, NATS_URL, MQTT_URL, SHIPSHAPE_*); `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Written to the child's stdin, which is then closed. */
  readonly input?: string;
  /** Kill the child with SIGKILL after this long (a hung command fails its test instead of the suite). @defaultValue 60000 */
  readonly killAfterMs?: number;
}

/** A running child; `done` resolves once it exits. */
export interface RunningCli {
  readonly child: ChildProcess;
  readonly done: Promise<CliRun>;
  /** Everything written to stdout/stderr so far. */
  output(): { stdout: string; stderr: string };
}

/** Starts `shipshape ...args` as a child process. */
export function startShipshape(args: readonly string[], options: ShipshapeOptions = {}): RunningCli {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('SHIPSHAPE_') || ['DATABASE_URL', 'REDIS_URL', 'MEMCACHED_SERVERS', 'AMQP_URL', 'NATS_URL', 'MQTT_URL', 'NODE_TEST_CONTEXT'].includes(name)) delete env[name];
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: options.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin!.on('error', () => {}); // a child that exits before reading its input
  child.stdin!.end(options.input ?? '');
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000);
  const done = new Promise<CliRun>((resolve) => {
    child.on('close', (status, signal) => {
      clearTimeout(killer);
      resolve({ status, signal, stdout, stderr, elapsedMs: performance.now() - started });
    });
  });
  return { child, done, output: () => ({ stdout, stderr }) };
}

/** Runs `shipshape ...args` to the end. */
export function shipshape(args: readonly string[], options?: ShipshapeOptions): Promise<CliRun> {
  return startShipshape(args, options).done;
}

/** A {@link CliIO} that records output, with the real clock unless overridden. */
export function memoryIO(overrides: Partial<CliIO> = {}): CliIO & { out(): string; err(): string } {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    stdin: (async function* () {})(),
    env: {},
    cwd: ROOT,
    now: () => performance.now(),
    sleep,
    spawn: () => {
      throw new Error('memoryIO: spawn was not expected');
    },
    onSignal: () => () => {},
    ...overrides,
  };
  return Object.assign(io, { out: () => out, err: () => err });
}
