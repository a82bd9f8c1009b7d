/**
 * Runs one check the way the probe runner does, for check tests that do not need a whole
 * `createProbes`: an AbortSignal that aborts at `timeoutMs`, and a race against it.
 * Resolves to `{ ok, reason?, value, elapsedMs }`, never rejects.
 */
import type { Check } from '../../src/core/check.js';
import { CheckTimeoutError } from '../../src/core/errors.js';
import { toReason } from '../../src/core/reason.js';

export interface CheckOutcome {
  ok: boolean;
  reason?: string;
  value?: unknown;
  elapsedMs: number;
}

export async function runCheck(check: Check, timeoutMs = 900): Promise<CheckOutcome> {
  const run = typeof check === 'function' ? check : check.run;
  const timeoutError = new CheckTimeoutError(timeoutMs);
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(timeoutError);
      reject(timeoutError);
    }, timeoutMs);
  });
  try {
    const value = await Promise.race([Promise.resolve().then(() => run(controller.signal)), timeout]);
    return { ok: true, value, elapsedMs: performance.now() - started };
  } catch (error) {
    return { ok: false, reason: toReason(error), elapsedMs: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}
