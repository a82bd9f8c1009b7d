/**
 * `shipshape lockedmigrate [-d URL] [--lock-id 1000] [--timeout SEC] -- COMMAND [ARGS...]`:
 * runs a migration under a database-wide lock, so that of the replicas of a Deployment that
 * start together exactly one migrates at a time and the others wait, then find nothing to do.
 *
 * The shell of src/jobs/migration-lock: the lock is `holdLock` (what `withMigrationLock`
 * is), COMMAND under it `runCommand` (same stdio and environment, SIGTERM, SIGINT and SIGHUP
 * passed on, stopped when the lock is lost). This file parses the flags, prints what the
 * job reports on stderr, and turns the outcome into the exit code.
 */
import { isShipshapeError, LockTimeoutError, UsageError } from '../../core/errors.js';
import { redact } from '../../core/redact.js';
import { secondsText } from '../../core/internal/seconds.js';
import { toReason } from '../../core/reason.js';
import {
  DEFAULTS,
  describeExit,
  exitCodeOfSignal,
  holdLock,
  LOCK_ID_MAX,
  LOCK_ID_MIN,
  runCommand,
  SharedSessionError,
  TIMING,
  trapSignals,
  type ChildExit,
} from '../../jobs/migration-lock/index.js';
import { databaseUrl, loadConfig } from '../_config.js';
import { parseFlags, seconds, type FlagOptions } from '../_flags.js';
import type { CliIO } from '../_io.js';

export const FLAGS = {
  database: { type: 'string', short: 'd' },
  'lock-id': { type: 'string' },
  timeout: { type: 'string' },
  config: { type: 'string' },
} as const satisfies FlagOptions;

/** The lock id without `--lock-id`. */
export const DEFAULT_LOCK_ID = BigInt(DEFAULTS.lockId);

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
  const name = commandName(command);
  const signals = trapSignals(io);
  const stop = new AbortController();
  signals.handle((signal) => stop.abort(signal));
  const lock = { label: `lock ${lockId}`, target: '' };
  let reported = false;
  let ran: { exit: ChildExit; startedAt: number; released?: string } | undefined;
  const run = async (lost: AbortSignal): Promise<number | undefined> => {
    if (signals.received) {
      say(io, `${signals.received} before ${name} started: ${name} was not run`);
      return exitCodeOfSignal(signals.received);
    }
    const startedAt = io.now();
    const exit = await runCommand(command, args, io, signals, lost, (signal) => say(io, `${signal}: passing it on to ${name}`));
    ran = { exit, startedAt };
    return undefined;
  };
  try {
    const notRun = await holdLock(url, run, { lockId, timeoutMs, signal: stop.signal, subject: 'lockedmigrate' }, {
      onStart: (label, target) => Object.assign(lock, { label, target }),
      onWait: ({ holder, waitedMs }) => {
        say(io, `${lock.label} is held by ${holder}; ${reported ? `still waiting (${secondsText(waitedMs)})` : `waiting (polling every ${TIMING.pollMs / 1000} s)`}`);
        reported = true;
      },
      onAcquired: (waitedMs) => {
        if (!signals.received) say(io, `took ${lock.label} on ${lock.target} (waited ${secondsText(waitedMs)}); running ${name}`);
      },
      onLost: (why, during) =>
        say(io, during
          ? `lost ${lock.label} while ${name} ran: ${why}. Another replica can take the lock now, so ${name} is stopped (SIGTERM, SIGKILL after ${secondsText(TIMING.stopGraceMs)})`
          : `lost ${lock.label} while ${name} ran (${why}): another replica may have migrated at the same time`),
      onReleased: (error) => {
        if (ran) ran.released = error === undefined ? `${lock.label} released` : `${lock.label} freed as its session closes (${toReason(error)})`;
      },
    });
    if (notRun !== undefined || !ran) return notRun ?? 1;
    const result = describeExit(ran.exit);
    say(io, `${name} ${result.text} after ${secondsText(io.now() - ran.startedAt)}; ${ran.released}`);
    return result.code;
  } catch (error) {
    return failed(error, io, lock.label, name, ran?.exit);
  } finally {
    signals.remove();
  }
}

// --- internal ---

function parseLockId(value: string | undefined): bigint {
  if (value === undefined) return DEFAULT_LOCK_ID;
  const id = /^-?\d{1,19}$/.test(value.trim()) ? BigInt(value.trim()) : undefined;
  if (id === undefined || id < LOCK_ID_MIN || id > LOCK_ID_MAX) {
    throw new UsageError(`--lock-id must be an integer from ${LOCK_ID_MIN} to ${LOCK_ID_MAX}, got ${JSON.stringify(value.slice(0, 30))}`);
  }
  return id;
}

/** How messages name COMMAND: its program alone (arguments may hold secrets). */
function commandName(command: string): string {
  return process.getBuiltinModule('node:path').basename(command);
}

/** The exit code of a run that did not end with COMMAND's own, said on stderr. */
function failed(error: unknown, io: CliIO, label: string, name: string, exit: ChildExit | undefined): number {
  if (exit) {
    // the lock was lost while COMMAND ran (the job said so as it happened)
    const code = error instanceof SharedSessionError ? 2 : 1;
    say(io, `${name} ${describeExit(exit).text}; exit ${code} (lock lost)`);
    return code;
  }
  if (typeof error === 'string') {
    say(io, `${error} while waiting for ${label}: ${name} was not run`);
    return exitCodeOfSignal(error as NodeJS.Signals);
  }
  if (error instanceof LockTimeoutError) throw new LockTimeoutError(`${error.message} (--timeout): ${name} was not run`);
  if (error instanceof SharedSessionError) {
    say(io, error.message);
    return 2;
  }
  if (isShipshapeError(error) && ['SHIPSHAPE_DRIVER_MISSING', 'SHIPSHAPE_INVALID_OPTION', 'SHIPSHAPE_USAGE'].includes(error.code)) throw error;
  // `<database>: <reason>`, said by the job
  say(io, `${error instanceof Error ? error.message : toReason(error)}: ${name} was not run`);
  return 1;
}

function say(io: CliIO, text: string): void {
  io.stderr.write(`shipshape lockedmigrate: ${redact(text).replace(/\s*\n\s*/g, ' ')}\n`);
}
