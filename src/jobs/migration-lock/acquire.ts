/**
 * Taking the migration lock: by polling a try-lock, never by blocking inside the database,
 * and saying who holds it meanwhile.
 *
 * Why poll instead of blocking in `pg_advisory_lock()`: a waiter blocked there is a statement
 * in flight, with a snapshot, for as long as it waits. A migration's `CREATE INDEX
 * CONCURRENTLY` waits for every transaction with an older snapshot to end ("it must wait for
 * all existing transactions that could potentially modify or use the index to terminate",
 * https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY),
 * so it waits for the waiter, which waits for the lock that the migration's holder releases
 * only when the migration is done. When the holder's lock session and the migration's
 * connection differ, as here, PostgreSQL sees no cycle and both wait forever (flyway/flyway#1654,
 * golang-migrate/migrate#960, langfuse/langfuse-k8s#239 for Prisma's own blocking lock). A
 * poll is a statement of a millisecond, idle in between, so it holds no snapshot while it waits.
 */
import { isShipshapeError, LockTimeoutError, ShipshapeError } from '../../core/errors.js';
import { MAX_TIMER_MS, sleep } from '../../core/internal/deadline.js';
import { secondsText } from '../../core/internal/seconds.js';
import { toReason } from '../../core/reason.js';
import { SharedSessionError, type LockHolder, type SessionLock } from './session-lock.js';

/** The rhythm of the lock. */
export const TIMING = {
  /** Between two try-locks while another process holds the lock. */
  pollMs: 500,
  /** Between two checks that the lock is still held while it is held. */
  heartbeatMs: 5_000,
  /** From SIGTERM to SIGKILL for a `lockedmigrate` COMMAND stopped because the lock was lost. */
  stopGraceMs: 10_000,
  /** A waiter repeats who holds the lock at least this often (and whenever the holder changes). */
  reportEveryMs: 30_000,
} as const;

/** Another process holds the lock: what `onWait` hears. */
export interface LockWait {
  /** The lock, for messages: `lock 1000`, or `lock shipshape:app:1000` on MySQL/MariaDB. */
  readonly lock: string;
  /** Who holds it: `pid 4242, application "…", client 10.1.2.3:51234, held since …`. */
  readonly holder: string;
  /** How long this process has waited so far. */
  readonly waitedMs: number;
}

/**
 * Opens the lock's session and polls until the lock is taken; resolves to the time waited.
 * `onWait` hears who holds it when first seen, whenever the holder changes, and every
 * {@link TIMING.reportEveryMs}.
 *
 * @throws LockTimeoutError at `timeoutMs`; `signal`'s reason when it aborts;
 *   SharedSessionError (a `ConfigError`) behind a pooler that shares sessions;
 *   DriverMissingError; any other failure as a ShipshapeError naming the database.
 */
export async function acquire(lock: SessionLock, timeoutMs: number, signal: AbortSignal | undefined, onWait: (wait: LockWait) => void): Promise<number> {
  const started = performance.now();
  const stop = new AbortController();
  const timedOut = new Error('timed out');
  const timer = timeoutMs < Infinity ? setTimeout(() => stop.abort(timedOut), Math.min(timeoutMs, MAX_TIMER_MS)) : undefined;
  const abort = (): void => stop.abort(signal?.reason);
  signal?.addEventListener('abort', abort, { once: true });
  if (signal?.aborted) abort();
  let holder: LockHolder | undefined;
  let asked = false;
  try {
    await lock.open(stop.signal);
    let reported: { pid: number; at: number } | undefined;
    for (;;) {
      if (await lock.tryAcquire(stop.signal)) return performance.now() - started;
      asked = true;
      holder = await lock.holder(stop.signal);
      const now = performance.now();
      if (holder && (reported?.pid !== holder.pid || now - reported.at >= TIMING.reportEveryMs)) {
        onWait({ lock: lock.label, holder: holder.description, waitedMs: now - started });
        reported = { pid: holder.pid, at: now };
      }
      await sleep(TIMING.pollMs, stop.signal);
      stop.signal.throwIfAborted();
    }
  } catch (error) {
    const reason: unknown = stop.signal.aborted ? stop.signal.reason : error;
    if (reason === timedOut) {
      const state = !asked ? 'not taken: the database had not answered yet' : holder ? `still held by ${holder.description}` : 'still held';
      throw new LockTimeoutError(`${lock.label} ${state} after ${secondsText(timeoutMs)}`);
    }
    if (signal?.aborted || reason instanceof SharedSessionError) throw reason;
    if (isShipshapeError(reason) && reason.code === 'SHIPSHAPE_DRIVER_MISSING') throw reason;
    throw new ShipshapeError(`${lock.target}: ${toReason(reason)}`, { cause: reason });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', abort);
  }
}
