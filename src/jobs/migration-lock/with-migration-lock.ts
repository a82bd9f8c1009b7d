/**
 * `withMigrationLock(database, fn, options)`: `lockedmigrate`'s lock around a function, for
 * apps that migrate at boot (Kysely's `Migrator`, drizzle's `migrate()`, TypeORM's
 * `migrationsRun`, MikroORM's migrator) with several replicas starting at once.
 */
import { InvalidOptionError } from '../../core/errors.js';
import { describe, expectKnownKeys, expectPositiveNumber, resolveOptions } from '../../core/options.js';
import type { LockWait } from './acquire.js';
import { holdLock } from './hold.js';

/** Options of {@link withMigrationLock}. */
export interface MigrationLockOptions {
  /**
   * The lock, a signed 64-bit integer: PostgreSQL's advisory lock key, or on MySQL/MariaDB
   * the lock named `shipshape:<database>:<lockId>`. The same as `lockedmigrate --lock-id`.
   * @defaultValue `DEFAULTS.lockId` (1000)
   */
  readonly lockId?: bigint | number;
  /** Give up waiting for the lock after this long (`Infinity`: wait). @defaultValue `DEFAULTS.timeoutMs` (`Infinity`) */
  readonly timeoutMs?: number;
  /** Stops the wait for the lock (rejecting with its reason), and aborts `fn`'s signal. */
  readonly signal?: AbortSignal | undefined;
  /** Hears who holds the lock while this process waits: when first seen, when the holder changes, and every 30 s. */
  readonly onWait?: ((wait: LockWait) => void) | undefined;
}

/** The defaults of {@link MigrationLockOptions}: `lockedmigrate`'s. */
export const DEFAULTS: { readonly lockId: bigint | number; readonly timeoutMs: number } = { lockId: 1000n, timeoutMs: Infinity };

/**
 * Runs `fn` while holding a database-wide lock, and resolves to what it returns: of several
 * replicas booting together, one migrates at a time, and the others wait, then find nothing
 * to do. The lock is `lockedmigrate`'s (PostgreSQL `pg_advisory_lock`, MySQL/MariaDB
 * `GET_LOCK`) on a connection of its own: taken by polling a try-lock (a waiter never blocks
 * inside the database, where it would deadlock against `CREATE INDEX CONCURRENTLY`), named by
 * its `application_name`, with TCP keepalives, so a killed holder never leaves it behind.
 * It is released whatever `fn` does. `fn` gets a signal that aborts when the lock's
 * connection is lost (a failover, `pg_terminate_backend()`): another replica may take the
 * lock then, so stop migrating; the call then rejects with `LockLostError`.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) for a URL that is not PostgreSQL or
 *   MySQL/MariaDB, or a bad option. DriverMissingError (`SHIPSHAPE_DRIVER_MISSING`) without `pg`
 *   or `mysql2`. LockTimeoutError (`SHIPSHAPE_LOCK_TIMEOUT`) at `timeoutMs`, `fn` not run.
 *   ConfigError (`SHIPSHAPE_CONFIG`) behind a pooler that shares sessions (PgBouncer in
 *   transaction mode): connect directly. LockLostError (`SHIPSHAPE_LOCK_LOST`) when the lock
 *   was lost while `fn` ran. Otherwise what `fn` throws, or `signal`'s reason.
 *
 * @example
 * ```ts
 * import { withMigrationLock } from 'shipshape/jobs';
 *
 * const applied = await withMigrationLock('postgres://postgres@127.0.0.1:5432/test', async (signal) => {
 *   // run the migrations here (Kysely's migrator.migrateToLatest(), drizzle's migrate(), …)
 *   return signal.aborted ? 0 : 1;
 * }, { lockId: 4242, timeoutMs: 60_000 });
 * ```
 */
export function withMigrationLock<T>(database: string, fn: (signal: AbortSignal) => T | PromiseLike<T>, options: MigrationLockOptions = {}): Promise<T> {
  expectKnownKeys('options', options, [...Object.keys(DEFAULTS), 'signal', 'onWait']);
  if (typeof database !== 'string' || database === '') throw new InvalidOptionError(`Expected \`database\` to be a postgres:// or mysql:// URL, got ${describe(database)}`);
  if (typeof fn !== 'function') throw new InvalidOptionError(`Expected \`fn\` to be a function (signal) => …, got ${describe(fn)}`);
  const settings = resolveOptions(DEFAULTS, options);
  expectPositiveNumber('timeoutMs', settings.timeoutMs);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new InvalidOptionError(`Expected \`signal\` to be an AbortSignal, got ${describe(options.signal)}`);
  if (options.onWait !== undefined && typeof options.onWait !== 'function') throw new InvalidOptionError(`Expected \`onWait\` to be a function, got ${describe(options.onWait)}`);
  const lockId = toLockId(settings.lockId);
  return holdLock(database, fn, { lockId, timeoutMs: settings.timeoutMs, signal: options.signal, subject: 'withMigrationLock' }, { onWait: options.onWait });
}

/** The smallest lock id, -2^63. */
export const LOCK_ID_MIN = -(2n ** 63n);
/** The largest lock id, 2^63 - 1. */
export const LOCK_ID_MAX = 2n ** 63n - 1n;

// --- internal ---

function toLockId(value: unknown): bigint {
  const id = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (id === undefined || id < LOCK_ID_MIN || id > LOCK_ID_MAX) {
    throw new InvalidOptionError(`Expected \`lockId\` to be an integer from ${LOCK_ID_MIN} to ${LOCK_ID_MAX} (a bigint, or a safe integer number), got ${describe(value)}`);
  }
  return id;
}
