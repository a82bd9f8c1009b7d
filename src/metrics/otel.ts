/**
 * `otelMetrics(probes)`: the probes' metrics through the OpenTelemetry metrics API
 * (SPEC §7), the same figures as `prometheusMetrics`. The gauges are observed from
 * `probes.snapshot()` at each collection (one batch callback, one snapshot); the duration
 * histogram and the run counter are fed by `probes.subscribe()`. Nothing here runs a check.
 */
import type { Attributes, Meter } from '@opentelemetry/api';
import { InvalidOptionError } from '../core/errors.js';
import { requirePeer } from '../core/internal/load-driver.js';
import { describe, expectKnownKeys, resolveOptions } from '../core/options.js';
import { DURATION_BUCKETS_SECONDS, expectObservedProbes, PROBE_NAMES, runResult, upValue, type ObservedProbes } from './_shared.js';

/** Options of {@link otelMetrics}. */
export interface OtelMetricsOptions {
  /** The meter to create the instruments on. @defaultValue `metrics.getMeter('shipshape')` of `@opentelemetry/api` (`METER_NAME`) */
  readonly meter?: Meter;
}

/** Defaults of {@link OtelMetricsOptions}, in one place. */
export const DEFAULTS = {
  meter: undefined as Meter | undefined,
};

/** The name of the default meter (its instrumentation scope). */
const METER_NAME = 'shipshape';

/**
 * Reports the probes' metrics through OpenTelemetry and returns the function that stops
 * reporting:
 * - `shipshape.check.up` (observable gauge, attribute `check`): 1 if the check's latest
 *   result passed, 0 if it failed (critical or not); nothing before its first run;
 * - `shipshape.probe.up` (observable gauge, attribute `probe`): 1 while `liveness`,
 *   `readiness` or `startup` passes, 0 while it fails; nothing while a check is unknown;
 * - `shipshape.draining` (observable gauge): 1 from `drain()` on, else 0;
 * - `shipshape.check.duration` (histogram, unit `s`, attribute `check`): run durations;
 * - `shipshape.check.runs` (counter, attributes `check`, `result`: `pass`, `fail`, `timeout`).
 *
 * A collection never runs a check: the gauges read `probes.snapshot()`. Without `meter`, the
 * global meter provider is asked for the meter `shipshape`: start the SDK (register its
 * `MeterProvider`) before calling this, as the OpenTelemetry API hands out no-op meters
 * until then.
 *
 * @throws DriverMissingError (`SHIPSHAPE_DRIVER_MISSING`) when no `meter` is given and
 *   `@opentelemetry/api` is not installed; InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`)
 *   for a bad option.
 *
 * @example
 * ```ts
 * import { MeterProvider, PeriodicExportingMetricReader, ConsoleMetricExporter } from '@opentelemetry/sdk-metrics';
 * import { createProbes } from 'shipshape';
 * import { otelMetrics } from 'shipshape/otel';
 *
 * const provider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter() })] });
 * const probes = createProbes({ readiness: { api: { run: async () => {}, intervalMs: 10_000 } } });
 * const stop = otelMetrics(probes, { meter: provider.getMeter('my-app') });
 * // at shutdown:
 * stop();
 * await provider.shutdown();
 * ```
 */
export function otelMetrics(probes: ObservedProbes, options: OtelMetricsOptions = {}): () => void {
  expectObservedProbes(probes);
  expectKnownKeys('options', options, Object.keys(DEFAULTS));
  const { meter: given } = resolveOptions(DEFAULTS, options);
  if (given !== undefined && (typeof given !== 'object' || given === null || typeof given.createObservableGauge !== 'function' || typeof given.addBatchObservableCallback !== 'function')) {
    throw new InvalidOptionError(`Expected \`meter\` to be an OpenTelemetry Meter, got ${describe(given)}`);
  }
  const meter = given ?? requirePeer<typeof import('@opentelemetry/api')>('@opentelemetry/api').metrics.getMeter(METER_NAME);
  const checkUp = meter.createObservableGauge('shipshape.check.up', { description: 'Whether the latest result of a shipshape check passed (1) or failed (0, critical or not).' });
  const probeUp = meter.createObservableGauge('shipshape.probe.up', { description: 'Whether each probe (liveness, readiness, startup) passes (1) or fails (0) on its latest results.' });
  const draining = meter.createObservableGauge('shipshape.draining', { description: 'Whether the app is draining (1: graceful shutdown began) or not (0).' });
  const durations = meter.createHistogram('shipshape.check.duration', {
    description: 'How long each run of a shipshape check took.',
    unit: 's',
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },
  });
  const runs = meter.createCounter('shipshape.check.runs', { description: 'Runs of each shipshape check by result: pass, fail or timeout.', unit: '{run}' });
  const observables = [checkUp, probeUp, draining];
  const observe = (result: { observe(observable: (typeof observables)[number], value: number, attributes?: Attributes): void }): void => {
    const snapshot = probes.snapshot();
    for (const [check, { status }] of Object.entries(snapshot.checks)) {
      const up = upValue(status, false);
      if (up !== undefined) result.observe(checkUp, up, { check });
    }
    for (const probe of PROBE_NAMES) {
      const up = upValue(snapshot.probes[probe], true);
      if (up !== undefined) result.observe(probeUp, up, { probe });
    }
    result.observe(draining, snapshot.draining ? 1 : 0);
  };
  meter.addBatchObservableCallback(observe, observables);
  const unsubscribe = probes.subscribe((event) => {
    if (event.type !== 'check') return;
    durations.record(event.durationMs / 1000, { check: event.name });
    runs.add(1, { check: event.name, result: runResult(event) });
  });
  let stopped = false;
  return function stopOtelMetrics(): void {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    meter.removeBatchObservableCallback(observe, observables);
  };
}
