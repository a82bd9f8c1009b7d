/**
 * shipshape/otel on the real OpenTelemetry SDK (@opentelemetry/sdk-metrics, a reader
 * collecting in-process): the instrument names, attributes and units of SPEC §7, collections
 * that never run a check, the global meter by default, and a stop function.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metrics } from '@opentelemetry/api';
import { DataPointType, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { createProbes, InvalidOptionError } from '../../src/index.js';
import { otelMetrics } from '../../src/otel.js';

/** A reader that collects when asked, as an exporter's periodic reader would. */
class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}

  /** Every metric of the scope `scope`, by name. */
  async read(scope = 'shipshape'): Promise<Map<string, MetricData>> {
    const { resourceMetrics, errors } = await this.collect();
    assert.deepEqual(errors, []);
    const found = resourceMetrics.scopeMetrics.filter((s) => s.scope.name === scope).flatMap((s) => s.metrics);
    return new Map(found.map((metric) => [metric.descriptor.name, metric]));
  }
}

function setUp() {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  return { reader, provider, meter: provider.getMeter('shipshape') };
}

/** The data points of `metric` as `{ attributes, value }`, sorted by their attributes. */
function points(metric: MetricData | undefined): { attributes: Record<string, unknown>; value: unknown }[] {
  if (!metric) return [];
  return metric.dataPoints
    .map((point) => ({ attributes: { ...point.attributes }, value: point.value }))
    .sort((a, b) => JSON.stringify(a.attributes).localeCompare(JSON.stringify(b.attributes)));
}

describe('otelMetrics', () => {
  it('observes check.up, probe.up and draining from the snapshot, nothing for checks not yet run, without running any', async () => {
    let runs = 0;
    const { reader, provider, meter } = setUp();
    const probes = createProbes({ readiness: { db: () => void (runs += 1), cache: { critical: false, run: () => Promise.reject(new Error('slow')) } } });
    const stop = otelMetrics(probes, { meter });
    try {
      let collected = await reader.read();
      assert.deepEqual(points(collected.get('shipshape.check.up')), []);
      assert.deepEqual(points(collected.get('shipshape.probe.up')), [
        { attributes: { probe: 'liveness' }, value: 1 },
      ]);
      assert.deepEqual(points(collected.get('shipshape.draining')), [{ attributes: {}, value: 0 }]);
      for (let i = 0; i < 5; i += 1) await reader.read();
      assert.equal(runs, 0, 'a collection runs no check');

      await probes.check('readiness');
      probes.drain();
      collected = await reader.read();
      assert.equal(collected.get('shipshape.check.up')?.dataPointType, DataPointType.GAUGE);
      assert.deepEqual(points(collected.get('shipshape.check.up')), [
        { attributes: { check: 'cache' }, value: 0 },
        { attributes: { check: 'db' }, value: 1 },
      ]);
      assert.deepEqual(points(collected.get('shipshape.probe.up')), [
        { attributes: { probe: 'liveness' }, value: 1 },
        { attributes: { probe: 'readiness' }, value: 0 },
        { attributes: { probe: 'startup' }, value: 1 },
      ]);
      assert.deepEqual(points(collected.get('shipshape.draining')), [{ attributes: {}, value: 1 }]);
    } finally {
      stop();
      await provider.shutdown();
    }
  });

  it('records each run in the duration histogram (unit s) and the runs counter by result', async () => {
    let up = true;
    const { reader, provider, meter } = setUp();
    const probes = createProbes({
      readiness: {
        db: () => { if (!up) throw new Error('down'); },
        hang: { timeoutMs: 20, run: () => new Promise(() => {}) },
      },
    });
    const stop = otelMetrics(probes, { meter });
    try {
      await probes.check('readiness');
      up = false;
      await new Promise((resolve) => setTimeout(resolve, 5));
      await probes.check('readiness', { exclude: ['hang'] });
      const collected = await reader.read();
      const duration = collected.get('shipshape.check.duration')!;
      assert.equal(duration.descriptor.unit, 's');
      assert.equal(duration.dataPointType, DataPointType.HISTOGRAM);
      const hang = duration.dataPoints.find((point) => point.attributes.check === 'hang')!.value as { count: number; sum: number; buckets: { boundaries: number[] } };
      assert.equal(hang.count, 1);
      assert.ok(hang.sum >= 0.015 && hang.sum < 5, `hang took ${hang.sum} s`);
      assert.deepEqual(hang.buckets.boundaries.slice(0, 3), [0.001, 0.0025, 0.005], 'the advised bucket bounds');
      assert.equal(collected.get('shipshape.check.runs')?.dataPointType, DataPointType.SUM);
      assert.deepEqual(points(collected.get('shipshape.check.runs')), [
        { attributes: { check: 'db', result: 'fail' }, value: 1 },
        { attributes: { check: 'db', result: 'pass' }, value: 1 },
        { attributes: { check: 'hang', result: 'timeout' }, value: 1 },
      ]);
    } finally {
      stop();
      await provider.shutdown();
    }
  });

  it('stops observing and recording at stop(), idempotently', async () => {
    const { reader, provider, meter } = setUp();
    const probes = createProbes({ readiness: { db: () => {} } });
    const stop = otelMetrics(probes, { meter });
    await probes.check('readiness');
    stop();
    stop();
    await probes.check('readiness');
    const collected = await reader.read();
    assert.deepEqual(points(collected.get('shipshape.check.up')), []);
    assert.deepEqual(points(collected.get('shipshape.check.runs')), [{ attributes: { check: 'db', result: 'pass' }, value: 1 }]);
    await provider.shutdown();
  });

  it('uses the global meter provider’s meter "shipshape" without a meter', async () => {
    const { reader, provider } = setUp();
    assert.ok(metrics.setGlobalMeterProvider(provider));
    const probes = createProbes({ readiness: { db: () => {} } });
    const stop = otelMetrics(probes);
    try {
      await probes.check('readiness');
      assert.deepEqual(points((await reader.read('shipshape')).get('shipshape.check.up')), [{ attributes: { check: 'db' }, value: 1 }]);
    } finally {
      stop();
      metrics.disable();
      await provider.shutdown();
    }
  });

  it('refuses what is not a probes instance or a meter, and unknown options', () => {
    const probes = createProbes();
    const invalid = (make: () => unknown, pattern: RegExp): void => {
      assert.throws(make, (error: unknown) => error instanceof InvalidOptionError && pattern.test((error as Error).message));
    };
    invalid(() => otelMetrics(undefined as never), /`probes` to be the result of createProbes\(\), got `undefined`/);
    invalid(() => otelMetrics(probes, { meter: 'shipshape' as never }), /`meter` to be an OpenTelemetry Meter, got `"shipshape"`/);
    invalid(() => otelMetrics(probes, { meterName: 'x' } as never), /Unknown option `meterName`: expected one of `meter`/);
  });
});
