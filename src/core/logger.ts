/**
 * The logger shipshape writes to: anything with `info`, `warn` and `error` methods that
 * take a message string — `console`, pino, winston, bunyan. shipshape logs a check only
 * when its state changes, never once per probe request.
 */
import { InvalidOptionError } from './errors.js';
import { describe } from './options.js';

/** A console- or pino-compatible logger. shipshape calls each method with one string. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const METHODS = ['info', 'warn', 'error'] as const;

/** Validates the `logger` option; `false` or `undefined` means silent. */
export function toLogger(name: string, value: unknown): Logger | undefined {
  if (value === undefined || value === false) return undefined;
  if (typeof value === 'object' && value !== null && METHODS.every((m) => typeof (value as Record<string, unknown>)[m] === 'function')) {
    return value as Logger;
  }
  throw new InvalidOptionError(
    `Expected \`${name}\` to be a logger with info(), warn() and error() methods (console, pino) or false, got ${describe(value)}`,
  );
}

/** Calls `logger[level](message)` and swallows whatever the logger throws. */
export function log(logger: Logger | undefined, level: (typeof METHODS)[number], message: string): void {
  if (!logger) return;
  try {
    logger[level](message);
  } catch {
    // a broken logger must not break a probe
  }
}
