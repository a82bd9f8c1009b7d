/**
 * The one error hierarchy of shipshape.
 *
 * Every error carries a stable `code` (`SHIPSHAPE_*`) so that callers can branch on it
 * without `instanceof` (two installed copies of shipshape still agree, through a
 * `Symbol.for` brand). `toJSON()` exposes `code` and `message` only: a `cause` may hold a
 * driver error with a connection string in it, and it must never reach a response body.
 */
import { redact } from './redact.js';

const BRAND = Symbol.for('shipshape.error');

/** Every error code shipshape uses. */
export type ShipshapeErrorCode =
  | 'SHIPSHAPE_ERROR'
  | 'SHIPSHAPE_NOT_READY'
  | 'SHIPSHAPE_CHECK_TIMEOUT'
  | 'SHIPSHAPE_DRIVER_MISSING'
  | 'SHIPSHAPE_LOCK_TIMEOUT'
  | 'SHIPSHAPE_LOCK_LOST'
  | 'SHIPSHAPE_WAIT_TIMEOUT'
  | 'SHIPSHAPE_WEAK_PASSWORD'
  | 'SHIPSHAPE_USAGE'
  | 'SHIPSHAPE_CONFIG'
  | 'SHIPSHAPE_INVALID_OPTION';

interface Branded {
  readonly code: ShipshapeErrorCode;
}

function brand(error: Error & Branded, name: string): void {
  Object.defineProperty(error, 'name', { value: name, enumerable: false, configurable: true, writable: true });
  Object.defineProperty(error, BRAND, { value: true });
}

function toJSON(this: Error & Branded): { code: ShipshapeErrorCode; message: string } {
  return { code: this.code, message: redact(this.message) };
}

/**
 * Base class of every shipshape error.
 *
 * @example
 * ```ts
 * import { ShipshapeError } from 'shipshape';
 * try { await something(); } catch (error) {
 *   if (error instanceof ShipshapeError) console.error(error.code);
 * }
 * ```
 */
export class ShipshapeError extends Error {
  readonly code: ShipshapeErrorCode;
  constructor(message: string, options?: { cause?: unknown; code?: ShipshapeErrorCode }) {
    super(redact(message), options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = options?.code ?? 'SHIPSHAPE_ERROR';
    brand(this, 'ShipshapeError');
  }
  toJSON(): { code: ShipshapeErrorCode; message: string } {
    return toJSON.call(this);
  }
}

/**
 * Thrown by a check to say "not ready", with a short reason that becomes the probe's
 * `[-]name failed: reason` line. Any thrown error fails a check; `NotReady` only says the
 * failure is expected and needs no stack trace in logs.
 *
 * @example
 * ```ts
 * import { createProbes, NotReady } from 'shipshape';
 * const queue = { isReady: async () => true };
 * createProbes({
 *   readiness: { queue: async () => { if (!(await queue.isReady())) throw new NotReady('queue: not connected'); } },
 * });
 * ```
 */
export class NotReady extends ShipshapeError {
  constructor(reason = 'not ready', options?: { cause?: unknown }) {
    super(reason, { ...options, code: 'SHIPSHAPE_NOT_READY' });
    brand(this, 'NotReady');
  }
}

/**
 * A check did not finish within its timeout. Its `AbortSignal` was aborted at the same
 * moment, so a well-behaved check has freed its socket.
 *
 * @example
 * ```ts
 * import { CheckTimeoutError } from 'shipshape';
 * const error = new CheckTimeoutError(900);
 * console.log(error.message); // "timed out after 900 ms"
 * ```
 */
export class CheckTimeoutError extends ShipshapeError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`, { code: 'SHIPSHAPE_CHECK_TIMEOUT' });
    this.timeoutMs = timeoutMs;
    brand(this, 'CheckTimeoutError');
  }
}

/**
 * An optional peer dependency (a database driver, a framework) is not installed. The
 * message names the package and the command to install it.
 *
 * @example
 * ```ts
 * import { DriverMissingError } from 'shipshape';
 * const error = new DriverMissingError('pg');
 * console.log(error.message); // "the package \"pg\" is not installed: run `npm install pg`"
 * ```
 */
export class DriverMissingError extends ShipshapeError {
  readonly packageName: string;
  constructor(packageName: string, options?: { cause?: unknown }) {
    super(`the package "${packageName}" is not installed: run \`npm install ${packageName}\``, {
      ...options,
      code: 'SHIPSHAPE_DRIVER_MISSING',
    });
    this.packageName = packageName;
    brand(this, 'DriverMissingError');
  }
}

/**
 * A database lock (`lockedmigrate`) was not acquired in time.
 *
 * @example
 * ```ts
 * import { LockTimeoutError } from 'shipshape';
 * throw new LockTimeoutError('lock 1000 still held after 60 s');
 * ```
 */
export class LockTimeoutError extends ShipshapeError {
  constructor(message = 'timed out waiting for the lock', options?: { cause?: unknown }) {
    super(message, { ...options, code: 'SHIPSHAPE_LOCK_TIMEOUT' });
    brand(this, 'LockTimeoutError');
  }
}

/**
 * A database lock (`withMigrationLock`, `lockedmigrate`) was lost while it was held: its
 * connection ended (a failover, `pg_terminate_backend()`, `KILL`, a network cut) or its
 * session no longer holds it. The server has freed the lock, so another replica may have
 * taken it and run the same migration at the same time.
 *
 * @example
 * ```ts
 * import { LockLostError } from 'shipshape';
 * const error = new LockLostError('lock 1000 was lost: its connection was lost');
 * console.log(error.code); // "SHIPSHAPE_LOCK_LOST"
 * ```
 */
export class LockLostError extends ShipshapeError {
  constructor(message = 'the lock was lost', options?: { cause?: unknown }) {
    super(message, { ...options, code: 'SHIPSHAPE_LOCK_LOST' });
    brand(this, 'LockLostError');
  }
}

/** A target that `waitFor` gave up on: what it is (redacted), its last cause, and how often it was tried. */
export interface WaitFailure {
  readonly target: string;
  readonly cause: string;
  readonly attempts: number;
}

/**
 * `waitFor` (and `wait4`, `wait4db`) gave up: not every target answered for its stable
 * window within `timeoutMs`. `targets` lists each one still failing with its last cause;
 * targets are named with their credentials redacted.
 *
 * @example
 * ```ts
 * import { WaitTimeoutError } from 'shipshape';
 * const error = new WaitTimeoutError(60_000, [{ target: 'tcp://queue:5672', cause: 'ECONNREFUSED', attempts: 60 }]);
 * console.log(error.message); // "not ready after 60 s: tcp://queue:5672: ECONNREFUSED (60 attempts)"
 * ```
 */
export class WaitTimeoutError extends ShipshapeError {
  readonly timeoutMs: number;
  readonly targets: readonly WaitFailure[];
  constructor(timeoutMs: number, targets: readonly WaitFailure[] = []) {
    const list = targets.map(({ target, cause, attempts }) => `${target}: ${cause} (${attempts} attempt${attempts === 1 ? '' : 's'})`);
    super(`not ready after ${Math.round(timeoutMs) / 1000} s${list.length > 0 ? `: ${list.join('; ')}` : ''}`, { code: 'SHIPSHAPE_WAIT_TIMEOUT' });
    this.timeoutMs = timeoutMs;
    this.targets = Object.freeze(targets.map((failure) => Object.freeze({ ...failure })));
    brand(this, 'WaitTimeoutError');
  }
}

/**
 * `ensureAdmin` (and `ensureadmin`) refused a password: too short, all digits, like the
 * username or email, or a common one (Django's validators), or one the hasher cannot store
 * whole. `reasons` says which rules it broke; none of them contains the password.
 *
 * @example
 * ```ts
 * import { WeakPasswordError } from 'shipshape';
 * const error = new WeakPasswordError(['it is too common']);
 * console.log(error.message); // "password rejected: it is too common"
 * ```
 */
export class WeakPasswordError extends ShipshapeError {
  readonly reasons: readonly string[];
  constructor(reasons: readonly string[] = []) {
    super(`password rejected${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`, { code: 'SHIPSHAPE_WEAK_PASSWORD' });
    this.reasons = Object.freeze([...reasons]);
    brand(this, 'WeakPasswordError');
  }
}

/**
 * A command-line usage error: the CLI prints the usage and this one line, then exits 2.
 *
 * @example
 * ```ts
 * import { UsageError } from 'shipshape';
 * throw new UsageError('exactly one of --live, --health, --ready, --startup is required');
 * ```
 */
export class UsageError extends ShipshapeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: 'SHIPSHAPE_USAGE' });
    brand(this, 'UsageError');
  }
}

/**
 * A configuration file that cannot be found, loaded or understood: the CLI prints this one
 * line, which names the file and the problem, and exits 2.
 *
 * @example
 * ```ts
 * import { ConfigError } from 'shipshape';
 * throw new ConfigError('shipshape.config.ts: `socket` must be a path, got a number');
 * ```
 */
export class ConfigError extends ShipshapeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: 'SHIPSHAPE_CONFIG' });
    brand(this, 'ConfigError');
  }
}

/**
 * A bad option: extends `TypeError` as Node does for invalid arguments, and carries the
 * shipshape brand and code. The message names the option, what is accepted and what was
 * received.
 *
 * @example
 * ```ts
 * import { createProbes, InvalidOptionError } from 'shipshape';
 * try { createProbes({ timeoutMs: -1 }); } catch (error) {
 *   console.log(error instanceof InvalidOptionError, error instanceof TypeError); // true true
 * }
 * ```
 */
export class InvalidOptionError extends TypeError {
  readonly code = 'SHIPSHAPE_INVALID_OPTION' as const;
  constructor(message: string) {
    super(redact(message));
    brand(this, 'InvalidOptionError');
  }
  toJSON(): { code: ShipshapeErrorCode; message: string } {
    return toJSON.call(this);
  }
}

/**
 * Whether `value` is an error thrown by shipshape (any installed copy).
 *
 * @example
 * ```ts
 * import { isShipshapeError } from 'shipshape';
 * try { JSON.parse('{'); } catch (error) { console.log(isShipshapeError(error)); } // false
 * ```
 */
export function isShipshapeError(value: unknown): value is (ShipshapeError | InvalidOptionError) {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
