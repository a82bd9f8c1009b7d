/**
 * Start-up cost of short-lived processes (an exec probe, a CLI command, `import()` of an
 * entry point), measured as wall time of whole `node` processes. Variants run interleaved
 * (A B C …, then reversed) for many rounds on a shared, noisy machine; each figure is the
 * median over the rounds of (variant − baseline) in ms and of variant ÷ baseline, so that
 * a slow moment of the machine hits both sides of a pair.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BENCH_DIR, median } from './_lib.js';

/** The repository root: variants run there, so that `shipshape` resolves to dist/ by self-reference. */
export const ROOT = path.resolve(BENCH_DIR, '..');

/** One command to time: arguments to `node`, and the exit code it must end with. */
export interface StartupVariant {
  readonly name: string;
  readonly args: readonly string[];
  readonly expectStatus?: number;
  readonly env?: Readonly<Record<string, string>>;
}

export interface StartupFigure {
  readonly name: string;
  readonly medianMs: number;
  /** Median over rounds of this variant's time minus the baseline's in the same round. */
  readonly overBaselineMs: number;
  /** Median over rounds of this variant's time ÷ the baseline's. */
  readonly ratio: number;
}

/** Times `baseline` and every variant for `rounds` interleaved rounds; the first round warms the disk cache and is dropped. */
export function measureStartup(baseline: StartupVariant, variants: readonly StartupVariant[], rounds = Number(process.env.BENCH_STARTUP_ROUNDS ?? 31)): StartupFigure[] {
  const all = [baseline, ...variants];
  const times: number[][] = all.map(() => []);
  for (let round = 0; round <= rounds; round += 1) {
    const order = all.map((_, index) => index);
    if (round % 2 === 1) order.reverse();
    for (const index of order) {
      const variant = all[index]!;
      const started = performance.now();
      const run = spawnSync(process.execPath, variant.args, { cwd: ROOT, env: { ...process.env, ...variant.env }, encoding: 'utf8' });
      const elapsed = performance.now() - started;
      if (run.status !== (variant.expectStatus ?? 0)) {
        throw new Error(`${variant.name}: exit ${run.status}, expected ${variant.expectStatus ?? 0}\n${run.stdout}${run.stderr}`);
      }
      if (round > 0) times[index]!.push(elapsed);
    }
  }
  const base = times[0]!;
  return all.map((variant, index) => ({
    name: variant.name,
    medianMs: median(times[index]!),
    overBaselineMs: median(times[index]!.map((t, round) => t - base[round]!)),
    ratio: median(times[index]!.map((t, round) => t / base[round]!)),
  }));
}

/** One line a figure: `name: 123.4 ms, +8.1 ms over node -e 0 (1.07×)`. */
export function printStartup(figures: readonly StartupFigure[], baselineName: string): void {
  for (const figure of figures.slice(1)) {
    console.log(`${figure.name}: ${figure.medianMs.toFixed(1)} ms, ${signed(figure.overBaselineMs)} ms over ${baselineName} (${figure.ratio.toFixed(2)}×)`);
  }
  console.log(`(${baselineName}: ${figures[0]!.medianMs.toFixed(1)} ms; medians of ${process.env.BENCH_STARTUP_ROUNDS ?? 31} interleaved rounds)`);
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
}
