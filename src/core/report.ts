/**
 * The result of running one probe: what the HTTP formatters, the CLI and programmatic
 * callers read.
 */
import type { CheckStatus } from './check.js';

/** The three probes Kubernetes knows. */
export type ProbeName = 'liveness' | 'readiness' | 'startup';

/** One check's line in a probe report. */
export interface CheckReport {
  readonly name: string;
  /** `warn` is a failing non-critical check. An excluded check is `pass` with `excluded: true`. */
  readonly status: CheckStatus;
  readonly excluded: boolean;
  /** The short redacted reason when the check did not pass. */
  readonly reason?: string | undefined;
  /** When the result was produced (a cached result keeps its own time). */
  readonly time: Date;
  readonly durationMs: number;
  readonly observedValue?: number | string | boolean | undefined;
  readonly observedUnit?: string | undefined;
}

/** The result of one probe. */
export interface ProbeReport {
  readonly probe: ProbeName;
  /** `fail` if a critical check failed, else `warn` if any check did, else `pass`. */
  readonly status: CheckStatus;
  readonly checks: readonly CheckReport[];
  /** `?exclude=` names that matched no check, sorted. */
  readonly unmatchedExcludes: readonly string[];
}

/** The overall status of a list of check reports. */
export function overallStatus(checks: readonly CheckReport[]): CheckStatus {
  let status: CheckStatus = 'pass';
  for (const check of checks) {
    if (check.status === 'fail') return 'fail';
    if (check.status === 'warn') status = 'warn';
  }
  return status;
}
