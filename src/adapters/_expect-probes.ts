/**
 * Shared by the adapters: a missing or wrong `probes` argument is a `TypeError` when the
 * middleware is built, not a crash on the first request.
 */
import type { ProbesInternals } from '../core/probes.js';
import { InvalidOptionError } from '../core/errors.js';
import { describe } from '../core/options.js';

/** Throws `InvalidOptionError` unless `value` is a `createProbes()` result. */
export function expectProbes(name: string, value: unknown): asserts value is ProbesInternals {
  // `routes` too: the adapters read a request's URL against it before anything else
  const candidate = value as Partial<ProbesInternals> | null | undefined;
  if (typeof candidate?.respond !== 'function' || typeof candidate.handle !== 'function' || typeof candidate.routes?.mayMatch !== 'function') {
    throw new InvalidOptionError(`Expected \`${name}\` to be the result of createProbes(), got ${describe(value)}`);
  }
}
