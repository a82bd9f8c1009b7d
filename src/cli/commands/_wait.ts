/**
 * What `wait4db` and `wait4` share around `waitFor` (src/jobs/wait): their timing flags,
 * the lines they print, and SIGTERM/SIGINT.
 *
 * Output (docs/cli/wait4db.md):
 *   stderr, one line an attempt:  `wait4db: <target>: <cause> (attempt 3, 2.1 s)`
 *                                 `wait4db: <target>: ok, stable for 2.0 of 5 s (attempt 5, 4.1 s)`
 *   stdout, one line a target:    `<target> is ready (stable for 5 s after 7.3 s)`
 *                                 `<target> is not ready after 180 s: <cause> (180 attempts)`
 */
import { UsageError, WaitTimeoutError } from '../../core/errors.js';
import { formatSeconds } from '../../core/internal/seconds.js';
import { DEFAULTS as WAIT_DEFAULTS, waitFor, type WaitProgress } from '../../jobs/wait/index.js';
import { seconds, type FlagOptions } from '../_flags.js';
import type { CliIO } from '../_io.js';

/** The flags both commands take. */
export const WAIT_FLAGS = {
  timeout: { type: 'string' },
  stable: { type: 'string' },
  interval: { type: 'string' },
  quiet: { type: 'boolean' },
} as const satisfies FlagOptions;

/** The flags' defaults, in seconds (SPEC §5). */
export const DEFAULTS = { timeout: WAIT_DEFAULTS.timeoutMs / 1000, stable: WAIT_DEFAULTS.stableMs / 1000, interval: WAIT_DEFAULTS.intervalMs / 1000 } as const;

/** The settings of a wait, durations in milliseconds. */
export interface WaitSettings {
  /** `wait4db` or `wait4`: the prefix of progress lines. */
  readonly command: string;
  readonly timeoutMs: number;
  readonly stableMs: number;
  readonly intervalMs: number;
  readonly quiet: boolean;
}

/**
 * The settings from the parsed {@link WAIT_FLAGS}.
 *
 * @throws UsageError for a duration that is not a number of seconds above 0, or a
 *   `--stable` window that cannot fit into `--timeout`.
 */
export function waitSettings(command: string, values: { timeout?: string; stable?: string; interval?: string; quiet?: boolean }): WaitSettings {
  const settings = {
    command,
    timeoutMs: seconds('timeout', values.timeout, DEFAULTS.timeout),
    stableMs: seconds('stable', values.stable, DEFAULTS.stable),
    intervalMs: seconds('interval', values.interval, DEFAULTS.interval),
    quiet: values.quiet === true,
  };
  if (settings.stableMs >= settings.timeoutMs) {
    throw new UsageError(`--stable (${formatSeconds(settings.stableMs)} s) must be shorter than --timeout (${formatSeconds(settings.timeoutMs)} s): nothing could be stable in time`);
  }
  return settings;
}

/**
 * Waits for `targets` (checked by the command already), printing as it goes, and resolves
 * to the exit code: 0 when all are stable, 1 at the timeout, 128 + the signal's number on
 * SIGTERM or SIGINT.
 *
 * @throws DriverMissingError (exit 2) when a target's driver is not installed.
 */
export async function runWait(targets: readonly string[], settings: WaitSettings, io: CliIO): Promise<number> {
  const { command, timeoutMs, stableMs, intervalMs, quiet } = settings;
  const stop = new AbortController();
  let stoppedBy: keyof typeof SIGNAL_NUMBERS | undefined;
  const unlisten = (Object.keys(SIGNAL_NUMBERS) as (keyof typeof SIGNAL_NUMBERS)[]).map((signal) =>
    io.onSignal(signal, () => {
      stoppedBy ??= signal;
      stop.abort(new Error(`stopped by ${signal}`));
    }),
  );
  const started = io.now();
  const print = (event: WaitProgress): void => {
    const elapsed = (event.elapsedMs / 1000).toFixed(1);
    if (event.type === 'ready') io.stdout.write(`${event.target} is ready (stable for ${formatSeconds(stableMs)} s after ${elapsed} s)\n`);
    else if (!quiet) {
      const text = event.type === 'ok' ? `ok, stable for ${(event.stableForMs / 1000).toFixed(1)} of ${formatSeconds(stableMs)} s` : event.cause;
      io.stderr.write(`${command}: ${event.target}: ${text} (attempt ${event.attempt}, ${elapsed} s)\n`);
    }
  };
  try {
    await waitFor(targets, { timeoutMs, stableMs, intervalMs, signal: stop.signal, onProgress: print });
    return 0;
  } catch (error) {
    if (stoppedBy && error === stop.signal.reason) {
      io.stderr.write(`${command}: stopped by ${stoppedBy} after ${((io.now() - started) / 1000).toFixed(1)} s\n`);
      return 128 + SIGNAL_NUMBERS[stoppedBy];
    }
    if (!(error instanceof WaitTimeoutError)) throw error;
    for (const { target, cause, attempts } of error.targets) {
      io.stdout.write(`${target} is not ready after ${formatSeconds(timeoutMs)} s: ${cause} (${attempts} attempt${attempts === 1 ? '' : 's'})\n`);
    }
    return 1;
  } finally {
    for (const remove of unlisten) remove();
  }
}

// --- internal ---

// POSIX fixes these numbers; the shell's convention for a process a signal ended is 128 + it.
const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;
