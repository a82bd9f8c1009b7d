/**
 * The observation the network checks report: the round trip in milliseconds, to 0.1 ms.
 */
import type { Observation } from '../core/check.js';

/** `{ observedValue: <ms since started>, observedUnit: 'ms' }`; `started` from `performance.now()`. */
export function roundTrip(started: number): Observation {
  return { observedValue: Math.round((performance.now() - started) * 10) / 10, observedUnit: 'ms' };
}

/** Runs `query` and resolves to its round trip as an `Observation`. */
export async function timed(query: () => unknown): Promise<Observation> {
  const started = performance.now();
  await query();
  return roundTrip(started);
}
