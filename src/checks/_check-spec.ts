/**
 * The per-check settings every built-in check takes in its options
 * (`redis(url, { critical: false })`), and how the checks assemble their `CheckSpec`.
 */
import type { CheckFunction, CheckSpec, CheckSpecOptions } from '../core/check.js';
import { expectBoolean, expectInterval, expectKnownKeys, expectNonNegativeNumber, expectPositiveNumber } from '../core/options.js';

/** The keys of {@link CheckSpecOptions}. */
export const CHECK_SPEC_OPTION_KEYS = ['timeoutMs', 'critical', 'cacheMs', 'intervalMs'] as const;

/**
 * Validates `options`: only {@link CHECK_SPEC_OPTION_KEYS} plus `ownKeys`, and the spec
 * fields' values. Unset fields stay unset, so the probe-wide settings apply.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) naming the option.
 */
export function validateCheckOptions(options: unknown, ownKeys: readonly string[] = []): void {
  expectKnownKeys('options', options, [...ownKeys, ...CHECK_SPEC_OPTION_KEYS]);
  const given = (options ?? {}) as CheckSpecOptions;
  if (given.timeoutMs !== undefined) expectPositiveNumber('timeoutMs', given.timeoutMs);
  if (given.critical !== undefined) expectBoolean('critical', given.critical);
  if (given.cacheMs !== undefined) expectNonNegativeNumber('cacheMs', given.cacheMs);
  if (given.intervalMs !== undefined) expectInterval('intervalMs', given.intervalMs);
}

/** A frozen `CheckSpec`: `run`, the spec options that were given, and `close` if any. */
export function checkSpec(run: CheckFunction, options: CheckSpecOptions | undefined, close?: () => unknown): CheckSpec {
  const spec: { -readonly [K in keyof CheckSpec]: CheckSpec[K] } = { run };
  for (const key of CHECK_SPEC_OPTION_KEYS) {
    const value = options?.[key];
    if (value !== undefined) (spec as Record<string, unknown>)[key] = value;
  }
  if (close) spec.close = close;
  return Object.freeze(spec);
}
