/**
 * Option merging and validation, shared by every module: one `DEFAULTS` constant per
 * module, merged with {@link resolveOptions}, validated at construction with the
 * `expect*` helpers so that a bad option fails at start and not on the first probe.
 */
import { InvalidOptionError } from './errors.js';

/**
 * Merges `input` over `defaults`, ignoring `undefined` values and keys the defaults do not
 * have (callers validate keys first with {@link expectKnownKeys}). Never mutates either
 * argument; returns a frozen object.
 */
export function resolveOptions<T extends object>(defaults: T, input: Partial<T> | undefined): Readonly<T> {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  if (input) {
    for (const key of Object.keys(defaults)) {
      const value = (input as Record<string, unknown>)[key];
      if (value !== undefined) out[key] = value;
    }
  }
  return Object.freeze(out) as Readonly<T>;
}

/** Renders a received value for an error message, short and without secrets. */
export function describe(value: unknown): string {
  if (value === null) return '`null`';
  if (typeof value === 'string') return `\`${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}\``;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name && name !== 'Object' ? `an instance of ${name}` : 'an object';
  }
  return `\`${String(value)}\``;
}

/** Throws unless `input` is undefined or a plain object whose keys are all in `accepted`. */
export function expectKnownKeys(what: string, input: unknown, accepted: readonly string[]): void {
  if (input === undefined) return;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidOptionError(`Expected \`${what}\` to be an object, got ${describe(input)}`);
  }
  for (const key of Object.keys(input)) {
    if (!accepted.includes(key)) {
      throw new InvalidOptionError(
        `Unknown option \`${what === 'options' ? key : `${what}.${key}`}\`: expected one of ${accepted.map((k) => `\`${k}\``).join(', ')}`,
      );
    }
  }
}

/** Throws unless `value` is a number > 0 (`Infinity` allowed, meaning "never"). */
export function expectPositiveNumber(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new InvalidOptionError(`Expected \`${name}\` to be a positive number of milliseconds, got ${describe(value)}`);
  }
}

/** Throws unless `value` is a number ≥ 0 (`Infinity` allowed). */
export function expectNonNegativeNumber(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new InvalidOptionError(`Expected \`${name}\` to be a number ≥ 0, got ${describe(value)}`);
  }
}

/**
 * Throws unless `value` is 0 or a finite number of milliseconds > 0 (a background check's
 * `intervalMs`: `Infinity` would be a check that never runs again, which is no background
 * check; 0 runs it on request).
 */
export function expectInterval(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_INTERVAL_MS) {
    throw new InvalidOptionError(
      `Expected \`${name}\` to be 0 (run on request) or a finite number of milliseconds up to ${MAX_INTERVAL_MS}, got ${describe(value)}`,
    );
  }
}

/** `setTimeout`'s ceiling, about 24.8 days. */
const MAX_INTERVAL_MS = 2 ** 31 - 1;

/** Throws unless `value` is a boolean. */
export function expectBoolean(name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidOptionError(`Expected \`${name}\` to be true or false, got ${describe(value)}`);
  }
}

/** Throws unless `value` is a non-empty string. */
export function expectString(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidOptionError(`Expected \`${name}\` to be a non-empty string, got ${describe(value)}`);
  }
}
