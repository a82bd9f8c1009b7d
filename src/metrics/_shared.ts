/**
 * What the Prometheus and OpenTelemetry metrics share: they read the same two things of a
 * probes instance, `subscribe()` (one event per finished run: durations and run counts) and
 * `snapshot()` (the gauges, at each collection), so a scrape never runs a check.
 */
import type { CheckEvent } from '../core/events.js';
import { InvalidOptionError } from '../core/errors.js';
import { describe } from '../core/options.js';
import type { Probes } from '../core/probes.js';
import type { ProbeName } from '../core/report.js';
import type { SnapshotStatus } from '../core/snapshot.js';

/** What the metrics need of a probes instance. */
export type ObservedProbes = Pick<Probes, 'subscribe' | 'snapshot'>;

/** The `result` of a run, as `*_check_runs_total` counts it. */
export type RunResult = 'pass' | 'fail' | 'timeout';

/** Every {@link RunResult}, to start each check's counters at 0. */
export const RUN_RESULTS: readonly RunResult[] = ['pass', 'fail', 'timeout'];

/** The probes, in the order their gauges are reported. */
export const PROBE_NAMES: readonly ProbeName[] = ['liveness', 'readiness', 'startup'];

/**
 * Bucket bounds of the duration histograms, in seconds: a `SELECT 1` on a near database
 * takes a millisecond or two, the default timeout is 0.9 s, and a slow check's own timeout
 * may be several seconds.
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Throws `InvalidOptionError` unless `value` has the `subscribe()` and `snapshot()` of a `createProbes()` result. */
export function expectObservedProbes(value: unknown): asserts value is ObservedProbes {
  const candidate = value as Partial<ObservedProbes> | null | undefined;
  if (typeof candidate?.subscribe !== 'function' || typeof candidate.snapshot !== 'function') {
    throw new InvalidOptionError(`Expected \`probes\` to be the result of createProbes(), got ${describe(value)}`);
  }
}

/** A run's result: a timeout is counted apart from other failures, a non-critical failure as `fail`. */
export function runResult(event: CheckEvent): RunResult {
  if (event.timedOut) return 'timeout';
  return event.status === 'pass' ? 'pass' : 'fail';
}

/**
 * A gauge value for a status: 1 for a passing one, 0 for a failing one; `undefined` (no
 * sample) while unknown. `warnAsUp`: a probe with a failing non-critical check still passes
 * (the kubelet gets 200), while the check itself failed.
 */
export function upValue(status: SnapshotStatus, warnAsUp: boolean): 0 | 1 | undefined {
  if (status === 'unknown') return undefined;
  return status === 'pass' || (warnAsUp && status === 'warn') ? 1 : 0;
}
