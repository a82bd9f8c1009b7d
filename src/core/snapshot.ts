/**
 * `probes.snapshot()` (SPEC §7): the latest known state of the app and of every check,
 * computed from what the runners already know. It runs nothing, so a metrics scrape, a
 * dashboard or a gRPC `List` can read it as often as they like.
 */
import type { CheckStatus } from './check.js';
import type { RegisteredCheck } from './registry.js';
import type { ProbeName } from './report.js';
import type { CheckRunner } from './runner.js';
import type { ProbeState } from './state.js';

/** A status as the snapshot knows it: `unknown` until a check's first run has finished. */
export type SnapshotStatus = CheckStatus | 'unknown';

/** One check in a {@link ProbesSnapshot}. */
export interface CheckSnapshot {
  /** The probes listing the check. */
  readonly probes: readonly ProbeName[];
  /** What a probe request would get now: a stale background result or a run still hanging after its timeout is a failure. */
  readonly status: SnapshotStatus;
  /** The short redacted reason, when the check did not pass. */
  readonly reason?: string;
  /** When its latest result was produced; absent while `unknown`. */
  readonly time?: Date;
  /** How long its latest run took, in milliseconds; absent while `unknown`. */
  readonly durationMs?: number;
}

/** What `probes.snapshot()` returns. */
export interface ProbesSnapshot {
  /** When the snapshot was taken. */
  readonly time: Date;
  /** Whether the app is ready (always `true` without `manualReady`). */
  readonly ready: boolean;
  /** Whether `drain()` was called (graceful shutdown began). */
  readonly draining: boolean;
  /** The reason given to `markBroken()`, once it was called. */
  readonly broken?: string;
  /**
   * Each probe's status from its checks' latest results and the state lines: `fail` if a
   * critical check or a state line fails, else `unknown` if a check has not run yet, else
   * `warn` if a non-critical check fails, else `pass`. Startup stays `pass` once it latched.
   */
  readonly probes: Readonly<Record<ProbeName, SnapshotStatus>>;
  /** Every check by name. */
  readonly checks: Readonly<Record<string, CheckSnapshot>>;
}

/** What a snapshot is taken of. */
export interface SnapshotSource {
  readonly state: ProbeState;
  readonly groups: Readonly<Record<ProbeName, readonly RegisteredCheck[]>>;
  /** Every runner once, in declaration order. */
  readonly runners: readonly CheckRunner[];
  readonly startupLatched: boolean;
}

/** Takes a snapshot of `source` at this instant. */
export function takeSnapshot(source: SnapshotSource): ProbesSnapshot {
  const now = Date.now();
  const { state } = source;
  const checks = new Map<CheckRunner, CheckSnapshot>();
  for (const runner of source.runners) checks.set(runner, checkSnapshot(runner, now));
  const probeStatus = (probe: ProbeName): SnapshotStatus => {
    if (state.fails(probe)) return 'fail';
    if (probe === 'startup' && source.startupLatched) return 'pass';
    return combined(source.groups[probe].map(({ runner }) => checks.get(runner)!.status));
  };
  const broken = state.broken;
  return {
    time: new Date(now),
    ready: state.ready,
    draining: state.draining,
    ...(broken === undefined ? {} : { broken }),
    probes: { liveness: probeStatus('liveness'), readiness: probeStatus('readiness'), startup: probeStatus('startup') },
    // fromEntries: a check named `__proto__` is an own key like any other
    checks: Object.fromEntries([...checks].map(([runner, snapshot]) => [runner.settings.name, snapshot])),
  };
}

// --- internal ---

function checkSnapshot(runner: CheckRunner, now: number): CheckSnapshot {
  const result = runner.latest(now);
  const { probes } = runner;
  if (result === undefined) return { probes, status: 'unknown' };
  const status: CheckStatus = result.ok ? 'pass' : runner.settings.critical ? 'fail' : 'warn';
  const { time, durationMs } = result;
  return result.reason === undefined ? { probes, status, time, durationMs } : { probes, status, reason: result.reason, time, durationMs };
}

function combined(statuses: readonly SnapshotStatus[]): SnapshotStatus {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('unknown')) return 'unknown';
  return statuses.includes('warn') ? 'warn' : 'pass';
}
