/**
 * Runs one check: a timeout that aborts the check's signal, one shared in-flight run for
 * concurrent callers (no probe storm reaches the database), an optional result cache, and
 * a log line when — and only when — the check changes state.
 */
import { isObservation, type CheckFunction, type Observation } from './check.js';
import { CheckTimeoutError } from './errors.js';
import { log, type Logger } from './logger.js';
import { toReason } from './reason.js';

/** The outcome of one run of one check. */
export interface CheckResult {
  readonly ok: boolean;
  /** The short redacted reason, when the check failed. */
  readonly reason?: string;
  /** When the run finished. */
  readonly time: Date;
  /** How long the run took, in milliseconds. */
  readonly durationMs: number;
  readonly observation?: Observation;
}

/** Everything a runner needs, resolved once at `createProbes`. */
export interface CheckRunnerSettings {
  readonly name: string;
  readonly run: CheckFunction;
  readonly timeoutMs: number;
  readonly cacheMs: number;
  readonly critical: boolean;
  readonly logger: Logger | undefined;
}

/** One check's runner; shared by every probe that lists the same check under the same name. */
export class CheckRunner {
  readonly settings: CheckRunnerSettings;
  #inflight: Promise<CheckResult> | undefined;
  #last: CheckResult | undefined;
  #lastOk: boolean | undefined;

  constructor(settings: CheckRunnerSettings) {
    this.settings = settings;
  }

  /** The current result: the cached one while fresh, the in-flight run, or a new run. */
  result(): Promise<CheckResult> {
    const last = this.#last;
    if (last && this.settings.cacheMs > 0 && Date.now() - last.time.getTime() < this.settings.cacheMs) {
      return Promise.resolve(last);
    }
    this.#inflight ??= this.#runOnce().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #runOnce(): Promise<CheckResult> {
    const { run, timeoutMs } = this.settings;
    const started = performance.now();
    let result: CheckResult;
    try {
      const value = await withTimeout(run, timeoutMs);
      result = { ok: true, time: new Date(), durationMs: performance.now() - started, ...observed(value) };
    } catch (error) {
      result = { ok: false, reason: toReason(error), time: new Date(), durationMs: performance.now() - started };
    }
    this.#last = result;
    this.#logTransition(result);
    return result;
  }

  #logTransition(result: CheckResult): void {
    const previous = this.#lastOk;
    this.#lastOk = result.ok;
    if (previous === result.ok || (previous === undefined && result.ok)) return;
    const { name, logger } = this.settings;
    if (result.ok) log(logger, 'info', `shipshape: check "${name}" passed again`);
    else log(logger, 'warn', `shipshape: check "${name}" failed: ${result.reason ?? 'failed'}`);
  }
}

// --- internal ---

function observed(value: unknown): { observation?: Observation } {
  return isObservation(value) ? { observation: value } : {};
}

/**
 * Runs `run` with a signal that aborts at `timeoutMs`, and rejects at that moment even if
 * the check ignores its signal. The check's own later settlement is handled (no unhandled
 * rejection). The timeout error is created before the timer is armed (its stack then
 * points at the caller, not at a timer callback).
 */
function withTimeout(run: CheckFunction, timeoutMs: number): Promise<unknown> {
  const controller = new AbortController();
  const running = Promise.resolve().then(() => run(controller.signal));
  if (!Number.isFinite(timeoutMs)) return running;
  const timeoutError = new CheckTimeoutError(timeoutMs);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      controller.abort(timeoutError);
      reject(timeoutError);
    }, timeoutMs);
    // Not unref()ed: a probe in progress is work (the CLI's in-process probe would
    // otherwise exit before its hanging check timed out). It lives at most timeoutMs.
    running.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
