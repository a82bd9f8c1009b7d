/**
 * Runs one check, and is the one place that knows its results: probe requests,
 * `probes.check()`, `probes.snapshot()`, events, metrics and gRPC all read them here.
 *
 * A timeout aborts the check's signal; concurrent callers share one in-flight run (no probe
 * storm reaches the database); a run abandoned at its timeout blocks new runs until it
 * settles; `cacheMs` reuses a finished result; a check with `intervalMs` runs in the
 * background and requests only read its latest result. A state change is logged once, and
 * every finished run is one event for `probes.subscribe()`.
 */
import { isObservation, type CheckFunction, type CheckStatus, type Observation } from './check.js';
import { CheckTimeoutError } from './errors.js';
import type { Subscribers } from './events.js';
import { log, type Logger } from './logger.js';
import { MAX_TIMER_MS, ReusableDeadline, type Settled } from './internal/deadline.js';
import { toReason } from './reason.js';
import type { ProbeName } from './report.js';

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
  /** 0: runs on request; above: runs in the background every `intervalMs` after the end of its previous run. */
  readonly intervalMs: number;
  readonly critical: boolean;
  readonly logger: Logger | undefined;
  /** Who hears of every finished run; none for a runner nobody can subscribe to (`doctor`). */
  readonly subscribers?: Subscribers | undefined;
}

/**
 * A background result older than `intervalMs + timeoutMs + STALE_MARGIN_MS` is reported as a
 * failure (SPEC §2): the next run is overdue by more than a second, so the event loop was
 * stuck or the runs were stopped.
 */
export const STALE_MARGIN_MS = 1000;

/** One check's runner; shared by every probe that lists the same check under the same name. */
export class CheckRunner {
  readonly settings: CheckRunnerSettings;
  /** The probes listing this check, set by `createProbes` once every group is registered. */
  probes: readonly ProbeName[] = [];
  readonly #staleAfterMs: number;
  // One error per runner, made before any timer is armed (STYLE 13): a run allocates none.
  readonly #timeoutError: CheckTimeoutError;
  readonly #timeoutReason: string;
  #inflight: Promise<CheckResult> | undefined;
  #abandoned: Abandoned | undefined;
  #last: CheckResult | undefined;
  #lastAt = 0;
  #lastPromise: Promise<CheckResult> | undefined;
  #lastStatus: CheckStatus | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  // One run at a time: no run starts while one is in flight or abandoned at its timeout, so
  // its state lives in fields and its callbacks are bound once per runner (no closure, no
  // Promise.race, no new timer or AbortSignal per run; STYLE 13).
  #resolve: ((result: CheckResult) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #startedAt = 0;
  /** Whether the run's deadline keeps the process alive (a periodic background run's does not). */
  #keepAlive = true;
  /** The check's work has not settled yet (in flight, or abandoned at its timeout). */
  #working = false;
  /**
   * Reused by the next run while nothing aborted it and the run left no `abort` listener on
   * its signal: creating an `AbortSignal` costs node ~22k instructions (BENCHMARKS.md).
   */
  #controller: AbortController | undefined;
  readonly #deadline: ReusableDeadline;

  constructor(settings: CheckRunnerSettings) {
    this.settings = settings;
    this.#staleAfterMs = settings.intervalMs + settings.timeoutMs + STALE_MARGIN_MS;
    this.#timeoutError = new CheckTimeoutError(settings.timeoutMs);
    this.#timeoutReason = toReason(this.#timeoutError);
    this.#deadline = new ReusableDeadline(settings.timeoutMs, () => this.#onTimeout());
  }

  /**
   * The current result, as a probe request gets it: the latest one while it is current (a
   * background result not yet stale, a cached one within `cacheMs`), a failure at once while
   * a run abandoned at its timeout still hangs or when a background result went stale, else
   * the in-flight run or a new one (for a background check: only before its first result).
   */
  result(): Promise<CheckResult> {
    const current = this.#current(undefined);
    if (current === undefined) return this.#inflight ?? this.#start(false);
    if (current !== this.#last) return Promise.resolve(current);
    return (this.#lastPromise ??= Promise.resolve(current));
  }

  /** Whether a request at `now` gets, without a run, a result that does not fail its probe. */
  passesNow(now: number): boolean {
    const current = this.#current(now);
    return current !== undefined && (current.ok || !this.settings.critical);
  }

  /** The latest known result without running anything (stale or still-pending failures included); `undefined` before the first run. */
  latest(now: number): CheckResult | undefined {
    return this.#current(now) ?? this.#last;
  }

  /** Starts the background runs of a check with `intervalMs`: the first on the next turn of the event loop. */
  startBackground(): void {
    if (this.settings.intervalMs > 0 && !this.#stopped && this.#timer === undefined) this.#schedule(0);
  }

  /** Stops the background runs (`probes.close()`); a run in progress finishes and schedules nothing. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** `now` is read only when a result's age matters (an uncached check on request needs no clock). */
  #current(now: number | undefined): CheckResult | undefined {
    const last = this.#last;
    if (this.settings.intervalMs > 0) {
      // the latest result is the timeout's, and the run behind it still hangs: say so
      if (this.#abandoned) return stillPending(this.#abandoned);
      if (last === undefined) return undefined;
      const age = (now ?? Date.now()) - this.#lastAt;
      return age <= this.#staleAfterMs ? last : stale(last, age);
    }
    if (last !== undefined && this.settings.cacheMs > 0 && (now ?? Date.now()) - this.#lastAt < this.settings.cacheMs) return last;
    // A check that ignores its signal must not pile up: one more run per probe period on a
    // blackholed database would exhaust the app's own pool within a minute (SPEC §2).
    if (this.#abandoned) return stillPending(this.#abandoned);
    return undefined;
  }

  /** `unref`: a periodic background run, which nobody waits for, must not keep the process alive. */
  #start(unref: boolean): Promise<CheckResult> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const run = new Promise<CheckResult>(this.#capture);
    this.#inflight = run;
    const controller = (this.#controller ??= new AbortController());
    this.#startedAt = performance.now();
    let work: unknown;
    try {
      work = this.settings.run(controller.signal);
    } catch (error) {
      work = Promise.reject(error);
    }
    this.#working = true;
    this.#keepAlive = !unref;
    // always settled through a promise, never in this call: probes.check() is not re-entered
    Promise.resolve(work).then(this.#onDone, this.#onFailed);
    // the deadline is armed after this turn's microtasks: a check that settled meanwhile
    // (an async function with nothing to wait for, a cached or in-memory answer) needs none
    void SETTLED.then(this.#armDeadline);
    return run;
  }

  readonly #armDeadline = (): void => {
    if (this.#working && !this.#abandoned) this.#deadline.arm(this.#keepAlive);
  };

  readonly #capture = (resolve: (result: CheckResult) => void, reject: (error: unknown) => void): void => {
    this.#resolve = resolve;
    this.#reject = reject;
  };

  readonly #onDone = (value: unknown): void => {
    if (this.#settleWork()) this.#finish('done', value);
  };

  readonly #onFailed = (error: unknown): void => {
    if (this.#settleWork()) this.#finish('failed', error);
  };

  /** The work settled: whether it was in time (else it had been abandoned, and now is not). */
  #settleWork(): boolean {
    this.#working = false;
    if (this.#abandoned) {
      this.#abandoned = undefined;
      return false;
    }
    this.#deadline.disarm();
    if (this.#controller && hasAbortListeners(this.#controller.signal)) this.#controller = undefined;
    return true;
  }

  #onTimeout(): void {
    // the deadline of a run that settled in time, firing late, or of no run
    if (!this.#working || this.#abandoned) return;
    const controller = this.#controller!;
    this.#controller = undefined;
    controller.abort(this.#timeoutError);
    this.#finish('timeout', undefined);
  }

  /** `value`: what the check returned, or the error it failed with. */
  #finish(outcome: Settled<unknown>['outcome'], value: unknown): void {
    const resolve = this.#resolve!;
    const reject = this.#reject!;
    this.#resolve = this.#reject = undefined;
    try {
      const durationMs = performance.now() - this.#startedAt;
      const time = new Date();
      let result: CheckResult;
      if (outcome === 'done') {
        result = isObservation(value) ? { ok: true, time, durationMs, observation: value } : { ok: true, time, durationMs };
      } else {
        result = { ok: false, reason: outcome === 'failed' ? toReason(value) : this.#timeoutReason, time, durationMs };
        if (outcome === 'timeout') this.#abandoned = { startedAt: time.getTime() - durationMs, timeoutMs: this.settings.timeoutMs };
      }
      this.#inflight = undefined;
      this.#record(result, outcome === 'timeout');
      if (this.settings.intervalMs > 0 && !this.#stopped) this.#schedule(this.settings.intervalMs);
      resolve(result);
    } catch (error) {
      this.#inflight = undefined;
      reject(error);
    }
  }

  #record(result: CheckResult, timedOut: boolean): void {
    const { name, critical, subscribers } = this.settings;
    const previous = this.#lastStatus;
    const status: CheckStatus = result.ok ? 'pass' : critical ? 'fail' : 'warn';
    this.#last = result;
    this.#lastAt = result.time.getTime();
    this.#lastPromise = undefined;
    this.#lastStatus = status;
    this.#logTransition(result, previous);
    if (!subscribers?.active) return;
    const { durationMs, time, reason } = result;
    subscribers.emit(
      reason === undefined
        ? { type: 'check', name, probes: this.probes, status, previous, durationMs, time, timedOut }
        : { type: 'check', name, probes: this.probes, status, previous, reason, durationMs, time, timedOut },
    );
  }

  #schedule(ms: number): void {
    const timer = setTimeout(this.#tick, Math.min(ms, MAX_TIMER_MS));
    // a background check never keeps the process alive (SPEC §2)
    (timer as { unref?: () => void }).unref?.();
    this.#timer = timer;
  }

  /** The background timer: one bound function per runner, no closure per run. */
  readonly #tick = (): void => {
    this.#timer = undefined;
    if (this.#stopped || this.#inflight) return;
    // still hanging after its timeout: no second run on top of it, look again next interval
    if (this.#abandoned) this.#schedule(this.settings.intervalMs);
    // the first run may be waited for (requests before any result): its deadline keeps the process up
    else void this.#start(this.#last !== undefined);
  };

  #logTransition(result: CheckResult, previous: CheckStatus | undefined): void {
    if (previous === undefined ? result.ok : (previous === 'pass') === result.ok) return;
    const { name, logger } = this.settings;
    if (result.ok) log(logger, 'info', `shipshape: check "${name}" passed again`);
    else log(logger, 'warn', `shipshape: check "${name}" failed: ${result.reason ?? 'failed'}`);
  }
}

// --- internal ---

/** A run that outlived its timeout and has not settled yet. */
interface Abandoned {
  /** `Date.now()` when it started. */
  readonly startedAt: number;
  readonly timeoutMs: number;
}

/** A promise already settled: `then` on it runs a callback after this turn's microtasks (without queueMicrotask's AsyncResource). */
const SETTLED = Promise.resolve();

let getEventListeners: ((target: EventTarget, type: string) => unknown[]) | undefined;

/** Whether a check left an `abort` listener on its signal (then the next run gets a new one); `true` where that cannot be known. */
function hasAbortListeners(signal: AbortSignal): boolean {
  try {
    getEventListeners ??= process.getBuiltinModule('node:events').getEventListeners;
    return getEventListeners(signal, 'abort').length > 0;
  } catch {
    return true;
  }
}

function stillPending(abandoned: Abandoned): CheckResult {
  const reason = `previous run (started ${new Date(abandoned.startedAt).toISOString()}) still pending after its ${abandoned.timeoutMs} ms timeout; no new run until it settles`;
  return { ok: false, reason, time: new Date(), durationMs: 0 };
}

/** A background result past its freshness: the failure keeps the old result's time and duration. */
function stale(last: CheckResult, ageMs: number): CheckResult {
  return { ok: false, reason: `stale: last result ${Math.floor(ageMs / 1000)} s ago`, time: last.time, durationMs: last.durationMs };
}
