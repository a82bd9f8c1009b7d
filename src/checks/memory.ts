/**
 * The `memoryHeap()` and `memoryRss()` checks: the process stays below a memory ceiling.
 */
import type { CheckSpec, CheckSpecOptions, Observation } from '../core/check.js';
import { InvalidOptionError, NotReady } from '../core/errors.js';
import { describe } from '../core/options.js';
import { formatBytes } from './_bytes.js';
import { checkSpec, validateCheckOptions } from './_check-spec.js';

/** Options of {@link memoryHeap} and {@link memoryRss}. */
export interface MemoryOptions extends CheckSpecOptions {
  /** The ceiling in bytes; the check fails above it. Required: no default fits every app. */
  readonly maxBytes: number;
}

// No DEFAULTS: the only option is required.

/**
 * Checks that the V8 heap in use (`process.memoryUsage().heapUsed`) is below `maxBytes`,
 * and reports the bytes used.
 *
 * A heap that keeps growing is a leak: in liveness, the check restarts the pod cleanly
 * before V8 dies of "heap out of memory" in the middle of requests. Keep the ceiling well
 * below `--max-old-space-size`, and in readiness it sheds load instead.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when `maxBytes` is missing or not
 *   a positive number.
 *
 * @example
 * ```ts
 * import { createProbes, memoryHeap } from 'shipshape';
 * const probes = createProbes({ liveness: { heap: memoryHeap({ maxBytes: 1.5 * 1024 ** 3 }) } });
 * ```
 */
export function memoryHeap(options: MemoryOptions): CheckSpec {
  const maxBytes = expectMaxBytes('memoryHeap', options);
  return checkSpec(ceiling('heap', maxBytes, () => process.memoryUsage().heapUsed), options);
}

/**
 * Checks that the resident set size of the process (`process.memoryUsage.rss()`) is below
 * `maxBytes`, and reports the bytes used.
 *
 * RSS is what the container's memory limit counts: set the ceiling below
 * `resources.limits.memory`, and the pod is restarted by its liveness probe (draining
 * gracefully) rather than killed by the OOM killer (`OOMKilled`, no shutdown at all).
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when `maxBytes` is missing or not
 *   a positive number.
 *
 * @example
 * ```ts
 * import { createProbes, memoryRss } from 'shipshape';
 * const probes = createProbes({ liveness: { rss: memoryRss({ maxBytes: 900 * 1024 ** 2 }) } });
 * ```
 */
export function memoryRss(options: MemoryOptions): CheckSpec {
  const maxBytes = expectMaxBytes('memoryRss', options);
  return checkSpec(ceiling('rss', maxBytes, () => process.memoryUsage.rss()), options);
}

// --- internal ---

function expectMaxBytes(check: string, options: MemoryOptions | undefined): number {
  validateCheckOptions(options, ['maxBytes']);
  const maxBytes = options?.maxBytes;
  if (typeof maxBytes !== 'number' || !(maxBytes > 0)) {
    throw new InvalidOptionError(`Expected \`maxBytes\` of \`${check}\` to be a positive number of bytes, got ${describe(maxBytes)}`);
  }
  return maxBytes;
}

function ceiling(what: string, maxBytes: number, measure: () => number) {
  return function memoryCheck(): Observation {
    const used = measure();
    if (used > maxBytes) throw new NotReady(`${what} ${formatBytes(used)}, ceiling ${formatBytes(maxBytes)}`);
    return { observedValue: used, observedUnit: 'bytes' };
  };
}
