/**
 * What every rollout app shares: settings from the environment, the probes, the work
 * route's behaviour, and the start-up line the parent reads (`listening PORT`).
 *
 * Environment: DELAY_MS (1000), TIMEOUT_MS (5000), HOOK_TIMEOUT_MS (5000), GRACE_MS (30000),
 * HOOK (`hang` adds a hook that never settles, `fail` one that throws), SIGNALS (comma list).
 * Routes: `/work` sleeps a random 50–300 ms (or `?ms=N`) then answers `ok PID`;
 * `/stream?ms=N` sends its headers at once and ends after N ms.
 * Phase logs go to stderr as `log LEVEL message`; the exit code is the process's.
 */
import type { ShutdownHook, ShutdownOptions } from '../../../src/core/shutdown/options.js';
import { createProbes } from '../../../src/core/probes.js';

export const probes = createProbes();

const env = process.env;

/** Random 50–300 ms, as the load asks, unless `?ms=` says otherwise. */
export function workMs(url: string | undefined): number {
  const match = /[?&]ms=(\d+)/.exec(url ?? '');
  return match ? Number(match[1]) : 50 + Math.floor(Math.random() * 251);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const body = `ok ${process.pid}`;

const hooks: ShutdownHook[] = [];
if (env.HOOK === 'hang') hooks.push(function hang() { return new Promise(() => {}); });
if (env.HOOK === 'fail') hooks.push(function fail() { throw new Error('pool.end failed'); });
hooks.push(function report() { process.stderr.write('hook ran\n'); });

/** The options every app passes to gracefulShutdown. */
export const shutdownOptions: ShutdownOptions = {
  probes,
  delayMs: Number(env.DELAY_MS ?? 1000),
  timeoutMs: Number(env.TIMEOUT_MS ?? 5000),
  hookTimeoutMs: Number(env.HOOK_TIMEOUT_MS ?? 5000),
  gracePeriodMs: Number(env.GRACE_MS ?? 30_000),
  onShutdown: hooks,
  ...(env.SIGNALS ? { signals: env.SIGNALS.split(',') as NodeJS.Signals[] } : {}),
  logger: {
    info: (message) => process.stderr.write(`log info ${message}\n`),
    warn: (message) => process.stderr.write(`log warn ${message}\n`),
    error: (message) => process.stderr.write(`log error ${message}\n`),
  },
};

/** Tells the parent where the app listens. */
export function announce(address: unknown): void {
  process.stdout.write(`listening ${(address as { port: number }).port}\n`);
}
