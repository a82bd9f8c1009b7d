/**
 * What a check is: a named async function, or a spec object around one. The built-in
 * checks (`postgres()`, `redis()`, …) return a {@link CheckSpec}; apps may pass plain
 * functions.
 */

/**
 * A check's body. It passes when it resolves and fails when it throws or outlives its
 * timeout. `signal` aborts at the timeout: pass it to the driver (or listen to it) so the
 * check frees its socket instead of leaving a query hanging.
 *
 * It may resolve to an {@link Observation} (a measured value shown as `observedValue` in
 * the JSON output); anything else it resolves to is ignored.
 */
export type CheckFunction = (signal: AbortSignal) => unknown;

/** A measured value reported by a check, shown in the health+json output. */
export interface Observation {
  readonly observedValue: number | string | boolean;
  readonly observedUnit?: string;
}

/**
 * A check with its own settings. Every field but `run` is optional and falls back to the
 * probe-wide option.
 */
export interface CheckSpec {
  /** The check's body. */
  readonly run: CheckFunction;
  /** Per-check timeout in milliseconds. @defaultValue the `timeoutMs` of `createProbes` */
  readonly timeoutMs?: number;
  /** A failing non-critical check is reported as `warn` and does not fail its probe. @defaultValue `DEFAULTS.critical` */
  readonly critical?: boolean;
  /** Reuse a finished result for this many milliseconds. @defaultValue the `cacheMs` of `createProbes` */
  readonly cacheMs?: number;
  /**
   * Run in the background every `intervalMs` (counted from the end of the previous run),
   * first right after `createProbes`; requests read the latest result. 0 runs on request.
   * @defaultValue the `intervalMs` of `createProbes`
   */
  readonly intervalMs?: number;
  /**
   * Frees what the check owns (a connection it opened from a URL, a timer). Called once by
   * `probes.close()`.
   */
  readonly close?: () => unknown;
}

/**
 * The per-check settings every built-in check takes as options
 * (`redis(url, { critical: false })`); they become the fields of its {@link CheckSpec}.
 */
export interface CheckSpecOptions {
  /** This check's timeout in milliseconds. @defaultValue the `timeoutMs` of `createProbes` */
  readonly timeoutMs?: number;
  /** A failing non-critical check is reported as `warn`. @defaultValue `DEFAULTS.critical` */
  readonly critical?: boolean;
  /** Reuse a finished result for this many milliseconds. @defaultValue the `cacheMs` of `createProbes` */
  readonly cacheMs?: number;
  /** Run in the background every `intervalMs`; requests read the latest result. @defaultValue the `intervalMs` of `createProbes` */
  readonly intervalMs?: number;
}

/** Defaults of {@link CheckSpec}'s own fields; `timeoutMs`, `cacheMs` and `intervalMs` fall back to `createProbes`' options. */
export const DEFAULTS = { critical: true } as const;

/** A check as `createProbes` accepts it. */
export type Check = CheckFunction | CheckSpec;

/** The checks of one probe, by name. Names match `[A-Za-z0-9._/-]+`. */
export type Checks = Readonly<Record<string, Check>>;

/** The result status of one check, as the IETF health-check draft names it. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

/** Accepted check names (SPEC §3). */
export const CHECK_NAME = /^[A-Za-z0-9._/-]+$/;

/** The keys a {@link CheckSpec} may have. */
export const CHECK_SPEC_KEYS = ['run', 'timeoutMs', 'critical', 'cacheMs', 'intervalMs', 'close'] as const;

/** Whether `value` is an {@link Observation}. */
export function isObservation(value: unknown): value is Observation {
  if (typeof value !== 'object' || value === null || !('observedValue' in value)) return false;
  const observed = (value as { observedValue: unknown }).observedValue;
  return typeof observed === 'number' || typeof observed === 'string' || typeof observed === 'boolean';
}
