/**
 * Bun and Deno for the runtime tests (test/runtimes/): where their binaries are, and apps
 * (test/_fixtures/runtimes/) run under them as child processes. Each app imports the BUILT
 * package by its name (`shipshape` resolves to dist/ through package.json's own `exports`,
 * on Bun and on Deno, which reads node_modules where a package.json is), so build first.
 *
 * The binaries come from `SHIPSHAPE_BUN` / `SHIPSHAPE_DENO` (CI: .ci/run sets them), else from
 * the cache that `bash scripts/install-runtimes.sh` fills (the pinned versions, in
 * `${XDG_CACHE_HOME:-~/.cache}/shipshape-runtimes`). A missing runtime is a loud skip
 * locally and a failure in CI, like a missing service (services.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { TestContext } from 'node:test';
import { ROOT } from './build.js';
import { servicesRequired } from './services.js';

export const RUNTIME_NAMES = ['bun', 'deno'] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

export const FIXTURES = path.join(ROOT, 'test/_fixtures/runtimes');

export interface Runtime {
  readonly name: RuntimeName;
  /** The absolute path of the binary. */
  readonly binary: string;
  /** `Bun 1.4.5`, `Deno 2.9.6`. */
  readonly label: string;
}

/** The runtime if its binary is found, else `undefined` (see the header for where it looks). */
export function findRuntime(name: RuntimeName): Runtime | undefined {
  const binary = process.env[`SHIPSHAPE_${name.toUpperCase()}`] || cached(name);
  if (!binary || !existsSync(binary)) return undefined;
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8', env: runtimeEnv() });
  const version = /\d+\.\d+\.\d+/.exec(run.stdout ?? '')?.[0];
  if (!version) return undefined;
  return { name, binary, label: `${name === 'bun' ? 'Bun' : 'Deno'} ${version}` };
}

/**
 * The runtime, or `undefined` after skipping the test loudly (locally) — in CI
 * (`CI=true` or `SHIPSHAPE_REQUIRE_SERVICES=1`) a missing runtime throws.
 */
export function requireRuntime(t: TestContext, name: RuntimeName, runtime: Runtime | undefined): runtime is Runtime {
  if (runtime) return true;
  const message = `${name} is not installed (set SHIPSHAPE_${name.toUpperCase()} or run: bash scripts/install-runtimes.sh)`;
  if (servicesRequired) throw new Error(`${message}; runtimes are required in CI`);
  console.warn(`\n!!! SKIPPED: ${message}\n`);
  t.skip(message);
  return false;
}

/** The command line that runs `script` (with `args`) under the runtime: `bun x.mjs`, `deno run -A x.mjs`. */
export function commandLine(runtime: Runtime, script: string, args: readonly string[] = []): string[] {
  return runtime.name === 'bun' ? [runtime.binary, script, ...args] : [runtime.binary, 'run', '-A', script, ...args];
}

/** The environment of a runtime child: no update check, no prompt, no test runner context. */
export function runtimeEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'NODE_TEST_CONTEXT') env[key] = value;
  return { ...env, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', NO_COLOR: '1', ...extra };
}

export interface RuntimeApp {
  /** `http://127.0.0.1:PORT` of the (first) server; `''` for an app without one. */
  readonly base: string;
  /** Every server's, in the order the app printed them (`listening PORT PORT…`). */
  readonly bases: readonly string[];
  readonly child: ChildProcess;
  /** The exit code (128 + n for a signal) once the process ends. */
  readonly exited: Promise<number>;
  output(): string;
  /** SIGKILLs the process if it still runs, and waits for it. */
  kill(): Promise<void>;
}

/** Runs `test/_fixtures/runtimes/<script>` and waits for its `listening PORT…` line (`listening` alone: no server; 15 s at most). */
export async function startRuntimeApp(runtime: Runtime, script: string, args: readonly string[] = [], env: Record<string, string> = {}): Promise<RuntimeApp> {
  const [command, ...rest] = commandLine(runtime, path.join(FIXTURES, script), args);
  const child = spawn(command!, rest, { cwd: ROOT, env: runtimeEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0));
    }),
  );
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  let ports: string[] | undefined;
  for await (const line of readline.createInterface({ input: child.stdout! })) {
    output += `${line}\n`;
    ports = /^listening((?: \d+)*)$/.exec(line)?.[1]?.split(' ').slice(1);
    if (ports) break;
  }
  clearTimeout(timer);
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  if (!ports) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`${runtime.label} ${script} did not start:\n${output}`);
  }
  const bases = ports.map((port) => `http://127.0.0.1:${port}`);
  return {
    base: bases[0] ?? '',
    bases,
    child,
    exited,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Resolves once the app's output (stdout and stderr) matches `pattern`; rejects after `timeoutMs` or when the app exits first. */
export async function outputMatches(app: RuntimeApp, pattern: RegExp, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!pattern.test(app.output())) {
    if (app.child.exitCode !== null || app.child.signalCode !== null || performance.now() > deadline) {
      throw new Error(`no output matching ${pattern} ${performance.now() > deadline ? `within ${timeoutMs} ms` : 'before the app exited'}:\n${app.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs a command under the runtime to its end (in `cwd`, the repository by default; killed after `timeoutMs`); stdout and stderr as text. */
export function runToEnd(
  runtime: Runtime,
  script: string,
  args: readonly string[] = [],
  env: Record<string, string> = {},
  { timeoutMs = 30_000, cwd = ROOT }: { timeoutMs?: number; cwd?: string } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const [command, ...rest] = commandLine(runtime, script, args);
  return new Promise((resolve) => {
    const child = spawn(command!, rest, { cwd, env: runtimeEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (status) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ status, stdout, stderr });
    });
  });
}

// --- internal ---

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The pinned binary in the cache of scripts/install-runtimes.sh (its versions are read from the script, their one place). */
function cached(name: RuntimeName): string | undefined {
  const script = readFileSync(path.join(ROOT, 'scripts/install-runtimes.sh'), 'utf8');
  const version = new RegExp(`^${name.toUpperCase()}_VERSION=(\\S+)$`, 'm').exec(script)?.[1];
  const cache = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'shipshape-runtimes');
  return version && path.join(cache, `${name}-${version}`, name === 'bun' ? 'bin/bun' : 'deno');
}
