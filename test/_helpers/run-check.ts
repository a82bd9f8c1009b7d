/**
 * Runs one check through the real check runner (src/core/runner.ts), for check tests that
 * do not need a whole `createProbes`: its timeout aborts the check's signal, and the
 * outcome is the runner's own. Resolves to `{ ok, reason?, value, elapsedMs }`, never
 * rejects; `value` is the check's observation, if any.
 */
import assert from 'node:assert/strict';
import type { Check, CheckSpec } from '../../src/core/check.js';
import { CheckRunner } from '../../src/core/runner.js';

/**
 * How late after its timeout a check's failure may be observed: the runner answers at the
 * deadline, but on a loaded 2-core CI machine a 300 ms timer fires up to ~100 ms late.
 * Generous on purpose: the bound tells "answered at the timeout" from "waited for the
 * driver's own timeout" (seconds), not a number of milliseconds.
 */
export const TIMER_SLACK_MS = 150;

export interface CheckOutcome {
  ok: boolean;
  reason?: string;
  value?: unknown;
  elapsedMs: number;
}

export async function runCheck(check: Check, timeoutMs = 900): Promise<CheckOutcome> {
  const run = typeof check === 'function' ? check : check.run;
  const runner = new CheckRunner({ name: run.name || 'check', run, timeoutMs, cacheMs: 0, intervalMs: 0, critical: true, logger: undefined });
  const started = performance.now();
  const result = await runner.result();
  const outcome: CheckOutcome = { ok: result.ok, value: result.observation, elapsedMs: performance.now() - started };
  if (result.reason !== undefined) outcome.reason = result.reason;
  return outcome;
}

/**
 * Runs `check` (each run bounded by `timeoutMs`) until its outcome is `ok`, or `withinMs`
 * has passed; resolves to the last outcome, for the caller to assert on. For a client
 * that reconnects on its own schedule (a restarted server).
 */
export async function runCheckUntil(check: Check, ok: boolean, timeoutMs: number, withinMs = 5000): Promise<CheckOutcome> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const outcome = await runCheck(check, timeoutMs);
    if (outcome.ok === ok || Date.now() > deadline) return outcome;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Asserts that a run failed at its timeout: the runner's reason `timed out after
 * TIMEOUT ms`, answered within {@link TIMER_SLACK_MS} of it.
 */
export function assertTimedOut(outcome: CheckOutcome, timeoutMs: number, label?: string): void {
  const where = label === undefined ? '' : `${label}: `;
  assert.equal(outcome.ok, false, `${where}passed`);
  assert.equal(outcome.reason, `timed out after ${timeoutMs} ms`, label);
  assert.ok(outcome.elapsedMs <= timeoutMs + TIMER_SLACK_MS, `${where}took ${outcome.elapsedMs} ms`);
}

/**
 * Asserts that a run failed with `reason` (a pattern, or the exact text) within
 * `withinMs`: at once, not at its timeout.
 */
export function assertFailedFast(outcome: CheckOutcome, reason: RegExp | string, withinMs: number): void {
  assert.equal(outcome.ok, false);
  if (typeof reason === 'string') assert.equal(outcome.reason, reason);
  else assert.match(outcome.reason ?? '', reason);
  assert.ok(outcome.elapsedMs < withinMs, `took ${outcome.elapsedMs} ms`);
}

/**
 * Runs `check` once (within `timeoutMs`), asserts that it passed and reported its round
 * trip in ms, and closes it (a check built from a URL owns a connection).
 */
export async function assertPassesOnce(check: CheckSpec, label: string, timeoutMs?: number): Promise<void> {
  try {
    const outcome = await runCheck(check, timeoutMs);
    assert.equal(outcome.ok, true, `${label}: ${outcome.reason}`);
    const value = outcome.value as { observedValue?: unknown; observedUnit?: unknown } | undefined;
    assert.equal(value?.observedUnit, 'ms', label);
    assert.equal(typeof value?.observedValue, 'number', label);
  } finally {
    await check.close?.();
  }
}
