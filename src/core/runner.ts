/**
 * Runs one check: a timeout that aborts the check's signal, one shared in-flight run for
 * concurrent callers (no probe storm reaches the database), never a second run while one
 * abandoned at its timeout still hangs, an optional result cache, and a log line when —
 * and only when — the check changes state.
 */
import { isObservation, type CheckFunction, type Observation } from './check.js';
import { CheckTimeoutError } from './errors.js';
import { log, type Logger } from './logger.js';
import { runWithDeadline } from './internal/deadline.js';
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
  #abandoned: Abandoned | undefined;
  #last: CheckResult | undefined;
  #lastOk: boolean | undefined;

  constructor(settings: CheckRunnerSettings) {
    this.settings = settings;
  }

  /**
   * The current result: the cached one while fresh, the in-flight run, a failure at once
   * while a run abandoned at its timeout still hangs, or a new run.
   */
  result(): Promise<CheckResult> {
    const last = this.#last;
    if (last && this.settings.cacheMs > 0 && Date.now() - last.time.getTime() < this.settings.cacheMs) {
      return Promise.resolve(last);
    }
    // A check that ignores its signal must not pile up: one more run per probe period on a
    // blackholed database would exhaust the app's own pool within a minute (SPEC §2).
    if (this.#abandoned) return Promise.resolve(stillPending(this.#abandoned));
    this.#inflight ??= this.#runOnce().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #runOnce(): Promise<CheckResult> {
    const { run, timeoutMs } = this.settings;
    const startedAt = new Date();
    const started = performance.now();
    const timeoutError = new CheckTimeoutError(timeoutMs);
    const deadline = runWithDeadline(run, timeoutMs, timeoutError);
    const settled = await deadline.settled;
    const durationMs = performance.now() - started;
    let result: CheckResult;
    if (settled.outcome === 'done') {
      result = { ok: true, time: new Date(), durationMs, ...observed(settled.value) };
    } else {
      const error = settled.outcome === 'failed' ? settled.error : timeoutError;
      result = { ok: false, reason: toReason(error), time: new Date(), durationMs };
    }
    if (settled.outcome === 'timeout') this.#abandon(startedAt, deadline.finished);
    this.#last = result;
    this.#logTransition(result);
    return result;
  }

  #abandon(startedAt: Date, finished: Promise<void>): void {
    const abandoned: Abandoned = { startedAt, timeoutMs: this.settings.timeoutMs };
    this.#abandoned = abandoned;
    void finished.then(() => {
      if (this.#abandoned === abandoned) this.#abandoned = undefined;
    });
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

/** A run that outlived its timeout and has not settled yet. */
interface Abandoned {
  readonly startedAt: Date;
  readonly timeoutMs: number;
}

function stillPending(abandoned: Abandoned): CheckResult {
  const reason = `previous run (started ${abandoned.startedAt.toISOString()}) still pending after its ${abandoned.timeoutMs} ms timeout; no new run until it settles`;
  return { ok: false, reason, time: new Date(), durationMs: 0 };
}

function observed(value: unknown): { observation?: Observation } {
  return isObservation(value) ? { observation: value } : {};
}
