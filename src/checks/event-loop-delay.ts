/**
 * The `eventLoopDelay()` check: the event loop keeps turning (for liveness).
 */
import type { IntervalHistogram } from 'node:perf_hooks';
import type { CheckSpec, CheckSpecOptions, Observation } from '../core/check.js';
import { InvalidOptionError, NotReady } from '../core/errors.js';
import { describe, expectPositiveNumber, resolveOptions } from '../core/options.js';
import { checkSpec, validateCheckOptions } from './_check-spec.js';

/** Options of {@link eventLoopDelay}. */
export interface EventLoopDelayOptions extends CheckSpecOptions {
  /** Fail when the p99 delay of the recent window is above this. Required. */
  readonly maxMs: number;
  /**
   * The length of one measuring window. The check judges the window in progress and the
   * last complete one, so a stall counts for one to two windows.
   * @defaultValue `DEFAULTS.windowMs`
   */
  readonly windowMs?: number;
}

const DEFAULTS: { readonly windowMs: number } = { windowMs: 1000 };

// perf_hooks samples the loop every `resolution` ms; 10 is Node's default, fine enough for
// thresholds in the hundreds of milliseconds and cheap.
const RESOLUTION_MS = 10;

/**
 * Checks that the 99th percentile of the event-loop delay over the last second or two is
 * below `maxMs`, and reports it in ms.
 *
 * Meant for liveness: a loop blocked for seconds (a runaway synchronous loop, a deadlocked
 * native call) serves nothing, yet its process is alive, and only a restart helps. A
 * blocked loop cannot answer the kubelet at all, so the probe also fails by timing out;
 * this check catches a loop that still answers but far too slowly. Keep `maxMs` generous
 * (seconds): a liveness failure restarts the pod. Measuring starts when the check is
 * created (`perf_hooks.monitorEventLoopDelay`, its timers unref'd) and stops at `close()`.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when `maxMs` is missing or
 *   `maxMs`/`windowMs` is not a positive number.
 *
 * @example
 * ```ts
 * import { createProbes, eventLoopDelay } from 'shipshape';
 * const probes = createProbes({ liveness: { loop: eventLoopDelay({ maxMs: 2000 }) } });
 * ```
 */
export function eventLoopDelay(options: EventLoopDelayOptions): CheckSpec {
  validateCheckOptions(options, ['maxMs', ...Object.keys(DEFAULTS)]);
  const maxMs = options?.maxMs;
  if (typeof maxMs !== 'number' || !(maxMs > 0)) {
    throw new InvalidOptionError(`Expected \`maxMs\` of \`eventLoopDelay\` to be a positive number of milliseconds, got ${describe(maxMs)}`);
  }
  const { windowMs } = resolveOptions(DEFAULTS, options);
  expectPositiveNumber('windowMs', windowMs);
  if (!Number.isFinite(windowMs)) throw new InvalidOptionError('Expected `windowMs` to be finite, got `Infinity`');
  const monitor = new DelayMonitor(windowMs);
  return checkSpec(
    function eventLoopDelayCheck(): Observation {
      const p99 = monitor.p99Ms();
      if (p99 > maxMs) throw new NotReady(`event loop delay p99 ${p99} ms, at most ${maxMs} ms allowed`);
      return { observedValue: p99, observedUnit: 'ms' };
    },
    options,
    () => monitor.close(),
  );
}

// --- internal ---

/** A histogram reset every window, keeping the last complete window's p99. */
class DelayMonitor {
  readonly #histogram: IntervalHistogram;
  readonly #timer: NodeJS.Timeout;
  #previousP99 = 0;
  #closed = false;

  constructor(windowMs: number) {
    // node:perf_hooks is loaded when the check is built, not when shipshape is imported
    this.#histogram = process.getBuiltinModule('node:perf_hooks').monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.#histogram.enable();
    this.#timer = setInterval(() => {
      this.#previousP99 = this.#currentP99();
      this.#histogram.reset();
    }, windowMs);
    this.#timer.unref();
  }

  /** The p99 delay in ms (to 0.1 ms) of the window in progress or the last one, whichever is worse. */
  p99Ms(): number {
    if (this.#closed) throw new NotReady('check closed');
    return Math.round(Math.max(this.#previousP99, this.#currentP99()) * 10) / 10;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#histogram.disable();
  }

  #currentP99(): number {
    // The histogram counts in nanoseconds; an empty one answers 0.
    return this.#histogram.count === 0 ? 0 : this.#histogram.percentile(99) / 1e6;
  }
}
