/**
 * What the SQL checks (`postgres`, `mysql`, `sqlite`, `database`) share: their common
 * options, how they assemble a {@link CheckSpec}, how they measure a round trip, and the
 * error for a client none of them recognizes.
 */
import type { CheckSpec, Observation } from '../core/check.js';
import { InvalidOptionError } from '../core/errors.js';
import {
  describe,
  expectBoolean,
  expectKnownKeys,
  expectNonNegativeNumber,
  expectPositiveNumber,
} from '../core/options.js';

/** Options every SQL check takes: they become the fields of the returned `CheckSpec`. */
export interface SqlCheckOptions {
  /** This check's timeout in milliseconds. @defaultValue the `timeoutMs` of `createProbes` */
  readonly timeoutMs?: number;
  /** A failing non-critical check is reported as `warn`. @defaultValue true (see `CheckSpec`) */
  readonly critical?: boolean;
  /** Reuse a finished result for this many milliseconds. @defaultValue 0 (see `CheckSpec`) */
  readonly cacheMs?: number;
}

/** The keys of {@link SqlCheckOptions}. */
export const SQL_CHECK_KEYS = ['timeoutMs', 'critical', 'cacheMs'] as const;

/**
 * Validates `options` (keys from {@link SQL_CHECK_KEYS} plus `extraKeys`) at construction.
 * Unset fields stay unset, so the probe-wide settings apply.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) naming the option.
 */
export function validateSqlOptions(options: unknown, extraKeys: readonly string[] = []): void {
  expectKnownKeys('options', options, [...SQL_CHECK_KEYS, ...extraKeys]);
  const given = (options ?? {}) as SqlCheckOptions;
  if (given.timeoutMs !== undefined) expectPositiveNumber('timeoutMs', given.timeoutMs);
  if (given.critical !== undefined) expectBoolean('critical', given.critical);
  if (given.cacheMs !== undefined) expectNonNegativeNumber('cacheMs', given.cacheMs);
}

/**
 * Builds the frozen `CheckSpec` of an SQL check: `run` (named after the check, for stack
 * traces), the given spec options, `close`.
 */
export function sqlCheckSpec(
  name: string,
  run: (signal: AbortSignal) => Promise<Observation>,
  options: SqlCheckOptions | undefined,
  close?: () => Promise<void>,
): CheckSpec {
  Object.defineProperty(run, 'name', { value: name });
  const spec: { -readonly [K in keyof CheckSpec]: CheckSpec[K] } = { run };
  for (const key of SQL_CHECK_KEYS) {
    const value = options?.[key];
    if (value !== undefined) (spec as Record<string, unknown>)[key] = value;
  }
  if (close) spec.close = close;
  return Object.freeze(spec);
}

/** Runs `query` and resolves to its duration as an `Observation` in milliseconds. */
export async function timed(query: () => unknown): Promise<Observation> {
  const started = performance.now();
  await query();
  return elapsedSince(started);
}

/** The time since `started` (a `performance.now()` value) as an `Observation`. */
export function elapsedSince(started: number): Observation {
  return { observedValue: Math.round((performance.now() - started) * 100) / 100, observedUnit: 'ms' };
}

/**
 * The error for a value no SQL check recognizes: names the check, the clients it supports
 * and what it received (its constructor name, never its contents).
 */
export function unrecognizedClient(check: string, supported: string, received: unknown): InvalidOptionError {
  const error = new InvalidOptionError(`Expected \`${check}()\` to get ${supported}; got ${describe(received)}`);
  Object.defineProperty(error, UNRECOGNIZED, { value: true });
  return error;
}

/** Whether `error` came from {@link unrecognizedClient} (so `database()` may try the next check). */
export function isUnrecognizedClient(error: unknown): boolean {
  return error instanceof InvalidOptionError && (error as unknown as Record<symbol, unknown>)[UNRECOGNIZED] === true;
}

const UNRECOGNIZED = Symbol('shipshape.sql.unrecognized');

/** Whether `value` has a method called `name`. */
export function hasMethod(value: unknown, name: string): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as Record<string, unknown>)[name] === 'function'
  );
}

/** Whether `value` has every one of the methods `names`. */
export function hasMethods(value: unknown, ...names: string[]): boolean {
  return names.every((name) => hasMethod(value, name));
}
