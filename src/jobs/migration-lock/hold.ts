/**
 * Holding the migration lock around a piece of work: take it (`acquire.ts`), watch it while
 * the work runs, check it once more when the work is done, and give it back whatever
 * happened. `withMigrationLock` and `lockedmigrate`'s COMMAND are both this.
 *
 * Why the lock is watched while the work runs: if its connection is lost (the server
 * restarted or failed over, `pg_terminate_backend()`, `KILL`, a network cut), the server has
 * released the lock and another replica will take it within a poll and start migrating too.
 * Two migrations at once is what the lock is there to prevent, so the work's signal aborts
 * at once: the holder learns of the loss the moment the driver sees the socket end
 * (`onLost`), and by a heartbeat every {@link TIMING.heartbeatMs} (bounded like every
 * statement) when the network goes silent, sooner than the server frees the lock (`LIVENESS`).
 */
import { LockLostError } from '../../core/errors.js';
import { sleep } from '../../core/internal/deadline.js';
import { toReason } from '../../core/reason.js';
import { acquire, TIMING, type LockWait } from './acquire.js';
import { createSessionLock, SharedSessionError, type SessionLock } from './session-lock.js';

/** What {@link holdLock} tells as it goes; `lockedmigrate` prints each. */
export interface HoldEvents {
  /** The lock and the database (redacted), before anything is tried. */
  onStart?(lock: string, database: string): void;
  onWait?(wait: LockWait): void;
  onAcquired?(waitedMs: number): void;
  /** The lock was lost: `during` the work (its signal aborts now), or found lost after it. */
  onLost?(why: string, during: boolean): void;
  /** The lock was given back, or (`error`) is freed as its session closes. */
  onReleased?(error?: unknown): void;
}

/** The settings of {@link holdLock}. */
export interface HoldSettings {
  readonly lockId: bigint;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  /** Who takes the lock, for messages and the session's application name. */
  readonly subject: string;
}

/**
 * Runs `work` while holding the lock `lockId` on `url`, and resolves to what it returns.
 * `work`'s signal aborts when the lock is lost (or `settings.signal` aborts).
 *
 * @throws LockTimeoutError, SharedSessionError, DriverMissingError or the failure to take
 *   the lock (see `acquire`), before `work` runs; after it, LockLostError (SharedSessionError
 *   behind a pooler) when the lock was lost meanwhile, else `work`'s own error.
 */
export async function holdLock<T>(url: string, work: (signal: AbortSignal) => T | PromiseLike<T>, settings: HoldSettings, events: HoldEvents = {}): Promise<T> {
  let lost: ((error: Error) => void) | undefined;
  const lock = createSessionLock(url, settings.lockId, {
    applicationName: applicationName(`shipshape ${settings.subject} `),
    subject: settings.subject,
    // After the promise callbacks of the moment: when a heartbeat's own timeout destroyed
    // the connection, its failure (which says why) is reported first.
    onLost: (error) => setImmediate(() => lost?.(error)),
  });
  events.onStart?.(lock.label, lock.target);
  try {
    // not inside `events.onAcquired?.(…)`: an optional call skips its arguments when there is no listener
    const waitedMs = await acquire(lock, settings.timeoutMs, settings.signal, (wait) => events.onWait?.(wait));
    events.onAcquired?.(waitedMs);
    const losing = new AbortController();
    let loss: Error | undefined;
    const lose = (error: Error, why: string, during: boolean): void => {
      if (loss) return;
      loss = error;
      events.onLost?.(why, during);
      losing.abort(error);
    };
    const connectionLost = 'its connection was lost (the server ended the session, or the network broke)';
    lost = () => lose(new LockLostError(`${lock.label} was lost: ${connectionLost}`), connectionLost, true);
    const heartbeat = watchLock(lock, (error, why) => lose(error, why, true));
    const signal = settings.signal ? AbortSignal.any([losing.signal, settings.signal]) : losing.signal;
    const outcome = await Promise.resolve()
      .then(() => work(signal))
      .then((value) => ({ value }), (error: unknown) => ({ error }));
    lost = undefined;
    await heartbeat.stop();
    // A lock still held now was held all along: a session lock cannot be lost and taken back
    // on the same session, so this one check covers the whole run.
    if (!loss) {
      await lock.check(new AbortController().signal).catch((error: unknown) => {
        const why = toReason(error);
        lose(error instanceof SharedSessionError ? error : new LockLostError(`${lock.label} was lost (${why}): another process may have migrated at the same time`, { cause: error }), why, false);
      });
    }
    // Behind a pooler the lock may sit on a pooled server session that outlives ours: give it back.
    if (loss instanceof SharedSessionError) await lock.release(new AbortController().signal).catch(() => {});
    if (loss) throw loss;
    await lock.release(new AbortController().signal).then(
      () => events.onReleased?.(),
      (error: unknown) => events.onReleased?.(error),
    );
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  } finally {
    lost = undefined;
    await lock.close();
  }
}

// --- internal ---

/** `<prefix><host> <pid>`, within PostgreSQL's 63 bytes (a long pod name is cut, the pid kept). */
function applicationName(prefix: string): string {
  const pid = String(process.pid);
  const host = process.getBuiltinModule('node:os').hostname().replace(/[^\x21-\x7e]/g, '?');
  return `${prefix}${host.slice(0, 63 - prefix.length - pid.length - 1)} ${pid}`;
}

/** Checks the lock every {@link TIMING.heartbeatMs} until stopped; calls `onLoss` once on failure. */
function watchLock(lock: SessionLock, onLoss: (error: Error, why: string) => void): { stop(): Promise<void> } {
  const sleeping = new AbortController();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await sleep(TIMING.heartbeatMs, sleeping.signal);
      if (stopped) return;
      try {
        // Not aborted by stop(): aborting a statement destroys the connection, and the lock.
        await lock.check(new AbortController().signal);
      } catch (error) {
        if (stopped) return;
        if (error instanceof SharedSessionError) onLoss(error, error.message);
        else {
          const why = toReason(`its heartbeat failed: ${toReason(error)}`);
          onLoss(new LockLostError(`${lock.label} was lost: ${why}`, { cause: error }), why);
        }
        return;
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      sleeping.abort();
      await loop;
    },
  };
}
