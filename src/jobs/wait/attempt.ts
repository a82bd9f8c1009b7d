/**
 * One attempt of a wait target (`waitFor`, `wait4`, `wait4db`): the checks of its
 * addresses run as one (either loopback address of `localhost` may answer), closed
 * together, and the short cause that a failed attempt reports.
 */
import type { CheckSpec } from '../../core/check.js';
import { CheckTimeoutError } from '../../core/errors.js';
import { toReason } from '../../core/reason.js';
import { formatSeconds } from '../../core/internal/seconds.js';
import type { WaitTarget } from './target-shapes.js';

/** A target's checks, run as one attempt, and closed together. */
export interface Attempts {
  run(signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** Opens a target: builds the check of each of its addresses (one attempt runs them all). */
export async function openTarget(target: WaitTarget): Promise<Attempts> {
  const specs = await Promise.all(target.addresses.map((address) => address.check()));
  const close = async (): Promise<void> => {
    await Promise.all(specs.map(async (spec) => spec.close?.()));
  };
  // Once an address answers, attempts stay on it (and on its connection) until it fails:
  // racing both addresses of a dual-stack server every time would cut one connection a
  // second mid-handshake.
  let preferred: CheckSpec | undefined = specs.length === 1 ? specs[0] : undefined;
  const run = async (signal: AbortSignal): Promise<void> => {
    const spec = preferred;
    if (spec) {
      try {
        await spec.run(signal);
        return;
      } catch (error) {
        if (specs.length > 1) preferred = undefined;
        throw error;
      }
    }
    preferred = await anyAddress(target, specs, signal);
  };
  return { run, close };
}

/**
 * The short cause of a failed attempt: a system error's code (`ECONNREFUSED`,
 * `ENOTFOUND`), the attempt's bound, an authentication failure said as such, or the
 * check's own redacted reason.
 */
export function causeOf(error: unknown): string {
  if (error instanceof CheckTimeoutError) return `no answer within ${formatSeconds(error.timeoutMs)} s`;
  const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
  // a socket's error (`connect ECONNREFUSED 10.0.0.5:5432`): the target already says where
  if (typeof code === 'string' && (typeof syscall === 'string' || error instanceof AggregateError)) return code;
  const reason = toReason(error);
  if (typeof code === 'string' && AUTH_CODES.has(code) && !/authentication/i.test(reason)) return `authentication failed: ${reason}`;
  return reason;
}

// --- internal ---

/**
 * Runs every address's check in parallel; resolves with the first to pass (the others are
 * aborted, which frees their sockets), or rejects with every cause when all fail: one
 * cause when they agree, `127.0.0.1: …; [::1]: …` when they differ.
 */
function anyAddress(target: WaitTarget, specs: readonly CheckSpec[], signal: AbortSignal): Promise<CheckSpec> {
  const losers = new AbortController();
  const shared = AbortSignal.any([signal, losers.signal]);
  return new Promise<CheckSpec>((resolve, reject) => {
    const errors: unknown[] = [];
    let pending = specs.length;
    for (const [index, spec] of specs.entries()) {
      Promise.resolve()
        .then(() => spec.run(shared))
        .then(
          () => {
            resolve(spec);
            losers.abort(new Error('another address answered'));
          },
          (error: unknown) => {
            errors[index] = error;
            pending -= 1;
            if (pending > 0) return;
            const causes = errors.map(causeOf);
            if (causes.every((cause) => cause === causes[0])) return reject(errors[0]);
            reject(new Error(causes.map((cause, i) => `${target.addresses[i]?.via ?? ''}: ${cause}`).join('; ')));
          },
        );
    }
  });
}

// PostgreSQL 28P01 invalid_password and 28000 invalid_authorization_specification (no
// pg_hba.conf entry, no such role); MySQL/MariaDB 1045 and 1044.
const AUTH_CODES = new Set(['28P01', '28000', 'ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR']);
