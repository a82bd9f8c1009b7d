/**
 * `shipshape lockedmigrate [-d URL] [--lock-id 1000] [--timeout SEC] -- COMMAND [ARGS...]`:
 * runs a migration under a database-wide lock, so that of the replicas of a Deployment that
 * start together exactly one migrates at a time and the others wait, then find nothing to do.
 *
 * The steps: take the lock on a connection of its own by polling a try-lock (`_session-lock.ts`),
 * run COMMAND with the same stdio and environment, pass SIGTERM, SIGINT and SIGHUP on to it,
 * watch the lock while it runs, release the lock, and exit with COMMAND's exit code.
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
 *
 * Why the lock is watched while COMMAND runs: if its connection is lost (the server
 * restarted or failed over, `pg_terminate_backend()`, `KILL`, a network cut), the server has
 * released the lock and another replica will take it within a poll and start migrating too.
 * Two migrations at once is what the lock is there to prevent, so the holder stops its
 * COMMAND at once (SIGTERM, then SIGKILL after {@link TIMING.stopGraceMs}) and exits 1: an
 * interrupted migration is the same as a pod killed mid-migration, which every migration tool
 * must survive (a transactional one rolls back), and the init container's restart runs it
 * again under the lock. It learns of the loss the moment the driver sees the socket end
 * (`onLost`), and by a heartbeat every {@link TIMING.heartbeatMs} (bounded like every statement)
 * when the network goes silent, sooner than the server frees the lock (`LIVENESS`).
 */
import { LockTimeoutError, UsageError } from '../../core/errors.js';
import { MAX_TIMER_MS } from '../../core/internal/deadline.js';
import { redact } from '../../core/redact.js';
import { toReason } from '../../core/reason.js';
import { databaseUrl, loadConfig } from '../_config.js';
import { parseFlags, seconds, type FlagOptions } from '../_flags.js';
import { describeExit, exitCodeOfSignal, trapSignals, type ChildExit, type Signals } from '../../jobs/migration-lock/command-process.js';
import type { CliIO } from '../_io.js';
import { createSessionLock, SharedSessionError, type LockHolder, type SessionLock } from '../../jobs/migration-lock/session-lock.js';

export const FLAGS = {
  database: { type: 'string', short: 'd' },
  'lock-id': { type: 'string' },
  timeout: { type: 'string' },
  config: { type: 'string' },
} as const satisfies FlagOptions;

/** The lock id without `--lock-id`. */
export const DEFAULT_LOCK_ID = 1000n;

/** The rhythm of the command. */
export const TIMING = {
  /** Between two try-locks while another replica holds the lock. */
  pollMs: 500,
  /** Between two checks that the lock is still held while COMMAND runs. */
  heartbeatMs: 5_000,
  /** From SIGTERM to SIGKILL for a COMMAND stopped because the lock was lost. */
  stopGraceMs: 10_000,
  /** A waiter repeats who holds the lock at least this often (and whenever the holder changes). */
  reportEveryMs: 30_000,
} as const;

export const USAGE = `Usage: shipshape lockedmigrate [-d URL] [--lock-id 1000] [--timeout SEC] -- COMMAND [ARGS...]

Runs COMMAND (prisma migrate deploy, knex migrate:latest, drizzle-kit migrate, …) while
holding a database-wide lock, so that of many replicas started together one migrates at a
time. For a migration init container. COMMAND gets the same stdio and environment, and
SIGTERM, SIGINT and SIGHUP; shipshape's own lines go to stderr.

Options:
  -d, --database URL  a postgres:// or mysql:// (mariadb://) URL
                      (default: config \`database\`, else $DATABASE_URL)
      --lock-id N     the lock, a 64-bit integer (default ${DEFAULT_LOCK_ID}); on MySQL/MariaDB the
                      lock named shipshape:<database>:N
      --timeout SEC   give up waiting for the lock after SEC seconds (default: wait)
      --config FILE   config file (default: $SHIPSHAPE_CONFIG, else shipshape.config.*)
  -h, --help          print this help

Exit codes: COMMAND's (128 + N when signal N ended it, 127 not found, 126 not runnable);
1 --timeout, the database failed, or the lock was lost while COMMAND ran (COMMAND stopped);
2 usage or configuration error, or a pooler that shares sessions (connect directly).
`;

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals, rest, hasRest } = parseFlags(argv, FLAGS, true);
  // A positional is not echoed: it may be a secret typed in the wrong place.
  if (positionals.length > 0) throw new UsageError('COMMAND goes after `--`: shipshape lockedmigrate [options] -- COMMAND [ARGS...]');
  const [command, ...args] = rest;
  if (command === undefined || command === '') {
    throw new UsageError(hasRest ? 'no COMMAND after `--`' : 'no COMMAND: give it after `--`, as in shipshape lockedmigrate -- knex migrate:latest');
  }
  const lockId = parseLockId(values['lock-id']);
  const timeoutMs = seconds('timeout', values.timeout) ?? Infinity;
  const url = databaseUrl(values.database, await loadConfig(io, values.config), io);
  const lost = new LostSignal();
  const lock = createSessionLock(url, lockId, { applicationName: applicationName(), onLost: (error) => lost.fire(error) });
  const signals = trapSignals(io);
  const name = commandName(command);
  try {
    const waited = await acquire(lock, io, timeoutMs, signals, name);
    if (typeof waited !== 'number') return waited.code;
    if (signals.received) {
      say(io, `${signals.received} before ${name} started: ${name} was not run`);
      return exitCodeOfSignal(signals.received);
    }
    say(io, `took ${lock.label} on ${lock.target} (waited ${secondsText(waited)}); running ${name}`);
    return await runUnderLock(lock, io, command, args, signals, lost, name);
  } finally {
    signals.remove();
    await lock.close();
  }
}

// --- internal ---

const LOCK_ID_MIN = -(2n ** 63n);
const LOCK_ID_MAX = 2n ** 63n - 1n;

function parseLockId(value: string | undefined): bigint {
  if (value === undefined) return DEFAULT_LOCK_ID;
  const id = /^-?\d{1,19}$/.test(value.trim()) ? BigInt(value.trim()) : undefined;
  if (id === undefined || id < LOCK_ID_MIN || id > LOCK_ID_MAX) {
    throw new UsageError(`--lock-id must be an integer from ${LOCK_ID_MIN} to ${LOCK_ID_MAX}, got ${JSON.stringify(value.slice(0, 30))}`);
  }
  return id;
}

/** `shipshape lockedmigrate <host> <pid>`, within PostgreSQL's 63 bytes (a long pod name is cut, the pid kept). */
function applicationName(): string {
  const prefix = 'shipshape lockedmigrate ';
  const pid = String(process.pid);
  const host = process.getBuiltinModule('node:os').hostname().replace(/[^\x21-\x7e]/g, '?');
  return `${prefix}${host.slice(0, 63 - prefix.length - pid.length - 1)} ${pid}`;
}

/** How messages name COMMAND: its program alone (arguments may hold secrets). */
function commandName(command: string): string {
  return process.getBuiltinModule('node:path').basename(command);
}

type Outcome = { readonly code: number };

/** Waits for the lock: resolves to the ms waited, or to the exit code when it is not taken. */
async function acquire(lock: SessionLock, io: CliIO, timeoutMs: number, signals: Signals, name: string): Promise<number | Outcome> {
  const started = io.now();
  const stop = new AbortController();
  const timedOut = new Error('timed out');
  const timer = timeoutMs < Infinity ? setTimeout(() => stop.abort(timedOut), Math.min(timeoutMs, MAX_TIMER_MS)) : undefined;
  signals.handle((signal) => stop.abort(signal));
  let holder: LockHolder | undefined;
  let asked = false;
  try {
    await lock.open(stop.signal);
    let reported: { pid: number; at: number } | undefined;
    for (;;) {
      if (await lock.tryAcquire(stop.signal)) return io.now() - started;
      asked = true;
      holder = await lock.holder(stop.signal);
      const now = io.now();
      if (holder && (reported?.pid !== holder.pid || now - reported.at >= TIMING.reportEveryMs)) {
        const waiting = reported ? `still waiting (${secondsText(now - started)})` : `waiting (polling every ${TIMING.pollMs / 1000} s)`;
        say(io, `${lock.label} is held by ${holder.description}; ${waiting}`);
        reported = { pid: holder.pid, at: now };
      }
      await io.sleep(TIMING.pollMs, stop.signal);
      stop.signal.throwIfAborted();
    }
  } catch (error) {
    const reason: unknown = stop.signal.aborted ? stop.signal.reason : error;
    if (reason === timedOut) {
      const state = !asked ? 'not taken: the database had not answered yet' : holder ? `still held by ${holder.description}` : 'still held';
      throw new LockTimeoutError(`${lock.label} ${state} after ${secondsText(timeoutMs)} (--timeout): ${name} was not run`);
    }
    if (typeof reason === 'string') {
      say(io, `${reason} while waiting for ${lock.label}: ${name} was not run`);
      return { code: exitCodeOfSignal(reason as NodeJS.Signals) };
    }
    if (reason instanceof SharedSessionError) {
      say(io, reason.message);
      return { code: 2 };
    }
    if (isDriverMissing(reason)) throw reason;
    say(io, `${lock.target}: ${toReason(reason)}: ${name} was not run`);
    return { code: 1 };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs COMMAND while holding the lock; resolves to the exit code. */
async function runUnderLock(lock: SessionLock, io: CliIO, command: string, args: readonly string[], signals: Signals, lost: LostSignal, name: string): Promise<number> {
  const started = io.now();
  const child = io.spawn(command, args, { stdio: 'inherit', env: io.env, cwd: io.cwd });
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (error) => resolve({ error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  signals.handle((signal) => {
    say(io, `${signal}: passing it on to ${name}`);
    child.kill(signal);
  });

  let loss: Error | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const stopCommand = (error: Error): void => {
    if (loss) return;
    loss = error;
    const why = error instanceof SharedSessionError ? error.message : toReason(error);
    say(io, `lost ${lock.label} while ${name} ran: ${why}. Another replica can take the lock now, so ${name} is stopped (SIGTERM, SIGKILL after ${secondsText(TIMING.stopGraceMs)})`);
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), TIMING.stopGraceMs);
  };
  lost.listen(() => stopCommand(new Error('its connection was lost (the server ended the session, or the network broke)')));
  const heartbeat = watchLock(lock, io, stopCommand);

  const exit = await exited;
  signals.handle(() => {}); // nothing left to pass a signal on to; the release takes a moment
  clearTimeout(killTimer);
  lost.listen(undefined);
  await heartbeat.stop();
  // A lock still held now was held all along: a session lock cannot be lost and taken back
  // on the same session, so this one check covers the whole run.
  if (!loss) {
    try {
      await lock.check(new AbortController().signal);
    } catch (error) {
      loss = error as Error;
      say(io, `lost ${lock.label} while ${name} ran (${toReason(error)}): another replica may have migrated at the same time`);
    }
  }
  const result = describeExit(exit);
  // Behind a pooler the lock may sit on a pooled server session that outlives ours: give it back.
  if (loss instanceof SharedSessionError) await lock.release(new AbortController().signal).catch(() => {});
  if (loss) {
    say(io, `${name} ${result.text}; exit ${loss instanceof SharedSessionError ? 2 : 1} (lock lost)`);
    return loss instanceof SharedSessionError ? 2 : 1;
  }
  const released = await lock.release(new AbortController().signal).then(
    () => `${lock.label} released`,
    (error: unknown) => `${lock.label} freed as its session closes (${toReason(error)})`,
  );
  say(io, `${name} ${result.text} after ${secondsText(io.now() - started)}; ${released}`);
  return result.code;
}

/** Checks the lock every {@link TIMING.heartbeatMs} until stopped; calls `onLoss` once on failure. */
function watchLock(lock: SessionLock, io: CliIO, onLoss: (error: Error) => void): { stop(): Promise<void> } {
  const sleeping = new AbortController();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await io.sleep(TIMING.heartbeatMs, sleeping.signal);
      if (stopped) return;
      try {
        // Not aborted by stop(): aborting a statement destroys the connection, and the lock.
        await lock.check(new AbortController().signal);
      } catch (error) {
        if (!stopped) onLoss(error instanceof SharedSessionError ? error : new Error(`its heartbeat failed: ${toReason(error)}`));
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

/** The lock connection's `onLost`, routed to whoever listens now (only while COMMAND runs). */
class LostSignal {
  #listener: ((error: Error) => void) | undefined;
  fire(error: Error): void {
    // After the promise callbacks of the moment: when a heartbeat's own timeout destroyed
    // the connection, its failure (which says why) is reported first.
    setImmediate(() => this.#listener?.(error));
  }
  listen(listener: ((error: Error) => void) | undefined): void {
    this.#listener = listener;
  }
}

function isDriverMissing(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SHIPSHAPE_DRIVER_MISSING';
}

function say(io: CliIO, text: string): void {
  io.stderr.write(`shipshape lockedmigrate: ${redact(text).replace(/\s*\n\s*/g, ' ')}\n`);
}

function secondsText(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
