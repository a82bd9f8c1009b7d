/**
 * The `diskSpace()` check: a filesystem has enough room left.
 */
import type { CheckSpec, CheckSpecOptions, Observation } from '../core/check.js';
import { InvalidOptionError, NotReady } from '../core/errors.js';
import { abortable } from '../core/internal/abortable.js';
import { describe, expectNonNegativeNumber, expectString, resolveOptions } from '../core/options.js';
import { formatBytes } from './_bytes.js';
import { checkSpec, validateCheckOptions } from './_check-spec.js';

/** Options of {@link diskSpace}. Give `minFreeBytes`, `maxUsedRatio` or both. */
export interface DiskSpaceOptions extends CheckSpecOptions {
  /** A file or directory on the filesystem to watch (a volume's mount path). */
  readonly path: string;
  /**
   * Fail when fewer bytes than this are free (free to the app's user, as `df` shows them).
   * @defaultValue `DEFAULTS.minFreeBytes` (no floor)
   */
  readonly minFreeBytes?: number;
  /**
   * Fail when the used share of the filesystem is above this, from 0 to 1 (`0.9` is `df`'s
   * `Use%` of 90 %).
   * @defaultValue `DEFAULTS.maxUsedRatio` (no ceiling)
   */
  readonly maxUsedRatio?: number;
}

interface ResolvedDiskSpaceOptions {
  readonly path: string;
  readonly minFreeBytes: number;
  readonly maxUsedRatio: number;
}

const DEFAULTS: ResolvedDiskSpaceOptions = { path: '', minFreeBytes: 0, maxUsedRatio: 1 };

/**
 * Checks that the filesystem holding `path` has room left, and reports the free bytes.
 *
 * A full volume makes writes fail while the process still looks healthy. As a readiness
 * check it takes the pod out of its Service until space is freed; as a liveness check it
 * would restart the pod, which frees nothing on a persistent volume (an `emptyDir` is
 * emptied, though). Uses `fs.statfs`; a hung network filesystem is cut off at the timeout.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) for a missing `path`, no
 *   threshold, a negative `minFreeBytes` or a `maxUsedRatio` outside 0–1.
 *
 * @example
 * ```ts
 * import { createProbes, diskSpace } from 'shipshape';
 * const probes = createProbes({ readiness: { disk: diskSpace({ path: '/data', minFreeBytes: 1024 ** 3 }) } });
 * ```
 */
export function diskSpace(options: DiskSpaceOptions): CheckSpec {
  validateCheckOptions(options, Object.keys(DEFAULTS));
  if (options === undefined) throw new InvalidOptionError('Expected `diskSpace` options with a `path`, got `undefined`');
  const settings = resolveOptions(DEFAULTS, options);
  expectString('path', settings.path);
  expectNonNegativeNumber('minFreeBytes', settings.minFreeBytes);
  const ratio = settings.maxUsedRatio;
  if (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 1)) {
    throw new InvalidOptionError(`Expected \`maxUsedRatio\` to be a number from 0 to 1, got ${describe(ratio)}`);
  }
  if (options.minFreeBytes === undefined && options.maxUsedRatio === undefined) {
    throw new InvalidOptionError('Expected `minFreeBytes` or `maxUsedRatio` in the `diskSpace` options, got neither');
  }
  const { path, minFreeBytes, maxUsedRatio } = settings;
  return checkSpec(
    async function diskSpaceCheck(signal: AbortSignal): Promise<Observation> {
      // node:fs/promises is loaded on the first run, not when shipshape is imported
      const stats = await abortable(process.getBuiltinModule('node:fs/promises').statfs(path), signal);
      const free = stats.bavail * stats.bsize;
      const used = (stats.blocks - stats.bfree) * stats.bsize;
      if (free < minFreeBytes) {
        throw new NotReady(`${formatBytes(free)} free on ${path}, ${formatBytes(minFreeBytes)} required`);
      }
      // df's Use%: blocks reserved for root count as neither used nor available.
      const usedRatio = used + free === 0 ? 1 : used / (used + free);
      if (usedRatio > maxUsedRatio) {
        throw new NotReady(`${path} is ${percent(usedRatio)} full, at most ${percent(maxUsedRatio)} allowed`);
      }
      return { observedValue: free, observedUnit: 'bytes' };
    },
    options,
  );
}

// --- internal ---

function percent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(1))}%`;
}
