/**
 * shipshape/prometheus on the real prom-client: the metric names, labels and types of
 * SPEC §7 in the exposition text (parsed), scraped over HTTP as Prometheus does, scrapes that
 * never run a check, and a remover that takes everything out again.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Gauge, Registry, register } from 'prom-client';
import { createProbes, InvalidOptionError } from '../../src/index.js';
import { prometheusMetrics } from '../../src/prometheus.js';
import { parseExposition, samplesOf, valueOf, type Exposition } from '../_helpers/prometheus-text.js';

async function scrape(registry: Registry): Promise<Exposition> {
  return parseExposition(await registry.metrics());
}

/** What Prometheus 2.x/3.x sends when it scrapes (scrape_protocols falling back to the 0.0.4 text format). */
const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1';

describe('prometheusMetrics', () => {
  it('registers the five metrics with their types and labels, each check’s counters from 0, and no check sample before a run', async () => {
    let runs = 0;
    const registry = new Registry();
    const probes = createProbes({ readiness: { db: () => void (runs += 1) }, liveness: { loop: () => void (runs += 1) } });
    const remove = prometheusMetrics(probes, { registry });
    try {
      const metrics = await scrape(registry);
      assert.deepEqual(Object.fromEntries(metrics.types), {
        shipshape_check_up: 'gauge',
        shipshape_check_duration_seconds: 'histogram',
        shipshape_check_runs_total: 'counter',
        shipshape_probe_up: 'gauge',
        shipshape_draining: 'gauge',
      });
      for (const name of metrics.types.keys()) assert.ok(metrics.help.get(name)!.length > 20, `${name} has a help text`);
      assert.deepEqual(samplesOf(metrics, 'shipshape_check_up'), [], 'no sample before the first run');
      for (const check of ['db', 'loop']) {
        for (const result of ['pass', 'fail', 'timeout']) assert.equal(valueOf(metrics, 'shipshape_check_runs_total', { check, result }), 0);
        assert.equal(valueOf(metrics, 'shipshape_check_duration_seconds_count', { check }), 0);
      }
      assert.equal(valueOf(metrics, 'shipshape_probe_up', { probe: 'readiness' }), undefined, 'unknown: no sample');
      assert.equal(valueOf(metrics, 'shipshape_draining'), 0);
      for (let i = 0; i < 10; i += 1) await registry.metrics();
      assert.equal(runs, 0, 'a scrape runs no check');
    } finally {
      remove();
    }
  });

  it('reports runs, durations, latest results and probe status; a non-critical failure is check_up 0 and probe_up 1', async () => {
    let up = true;
    const registry = new Registry();
    const probes = createProbes({
      readiness: {
        db: async () => {
          await sleep(15);
          if (!up) throw new Error('db down');
        },
        cache: { critical: false, run: () => Promise.reject(new Error('cache slow')) },
        hang: { critical: false, timeoutMs: 20, run: () => new Promise(() => {}) },
      },
    });
    const remove = prometheusMetrics(probes, { registry });
    try {
      await probes.check('readiness');
      let metrics = await scrape(registry);
      assert.equal(valueOf(metrics, 'shipshape_check_up', { check: 'db' }), 1);
      assert.equal(valueOf(metrics, 'shipshape_check_up', { check: 'cache' }), 0);
      assert.equal(valueOf(metrics, 'shipshape_check_runs_total', { check: 'hang', result: 'timeout' }), 1);
      assert.equal(valueOf(metrics, 'shipshape_check_runs_total', { check: 'hang', result: 'fail' }), 0);
      assert.equal(valueOf(metrics, 'shipshape_check_runs_total', { check: 'cache', result: 'fail' }), 1);
      assert.equal(valueOf(metrics, 'shipshape_probe_up', { probe: 'readiness' }), 1);
      assert.equal(valueOf(metrics, 'shipshape_probe_up', { probe: 'liveness' }), 1);
      const sum = valueOf(metrics, 'shipshape_check_duration_seconds_sum', { check: 'db' })!;
      assert.ok(sum >= 0.01 && sum < 5, `db took ${sum} s`);
      assert.equal(valueOf(metrics, 'shipshape_check_duration_seconds_bucket', { check: 'db', le: '+Inf' }), 1);
      assert.equal(valueOf(metrics, 'shipshape_check_duration_seconds_bucket', { check: 'db', le: '0.001' }), 0);

      up = false;
      await probes.check('readiness');
      await probes.check('readiness');
      probes.drain();
      metrics = await scrape(registry);
      assert.equal(valueOf(metrics, 'shipshape_check_up', { check: 'db' }), 0);
      assert.deepEqual(
        ['pass', 'fail', 'timeout'].map((result) => valueOf(metrics, 'shipshape_check_runs_total', { check: 'db', result })),
        [1, 2, 0],
      );
      assert.equal(valueOf(metrics, 'shipshape_check_duration_seconds_count', { check: 'db' }), 3);
      assert.equal(valueOf(metrics, 'shipshape_probe_up', { probe: 'readiness' }), 0);
      assert.equal(valueOf(metrics, 'shipshape_probe_up', { probe: 'startup' }), 0, 'startup never passed');
      assert.equal(valueOf(metrics, 'shipshape_draining'), 1);
    } finally {
      remove();
    }
  });

  it('is scraped over HTTP as Prometheus scrapes it, a storm of probes and scrapes costing one run per interval', async () => {
    let runs = 0;
    const registry = new Registry();
    const probes = createProbes({ readiness: { db: { intervalMs: 60_000, run: () => void (runs += 1) } } });
    const remove = prometheusMetrics(probes, { registry });
    const server = http.createServer(async (req, res) => {
      if (probes.handle(req, res)) return;
      res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      await probes.check('readiness'); // the first background run
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => fetch(i % 2 ? `${base}/readyz` : `${base}/metrics`, { headers: { accept: PROMETHEUS_ACCEPT } })),
      );
      const scraped = answers.filter((_, i) => i % 2 === 0);
      assert.ok(scraped.every((response) => response.status === 200));
      assert.equal(scraped[0]!.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      const metrics = parseExposition(await scraped[0]!.text());
      await Promise.all(answers.map((response) => response.arrayBuffer().catch(() => undefined)));
      assert.equal(valueOf(metrics, 'shipshape_check_up', { check: 'db' }), 1);
      assert.equal(valueOf(metrics, 'shipshape_check_runs_total', { check: 'db', result: 'pass' }), 1);
      assert.equal(runs, 1);
    } finally {
      server.closeAllConnections();
      server.close();
      remove();
      await probes.close();
    }
  });

  it('takes a prefix in place of shipshape_, and prom-client’s global registry by default', async () => {
    const probes = createProbes({ readiness: { db: () => {} } });
    const remove = prometheusMetrics(probes, { prefix: 'myapp_health_' });
    try {
      await probes.check('readiness');
      const metrics = parseExposition(await register.metrics());
      assert.equal(valueOf(metrics, 'myapp_health_check_up', { check: 'db' }), 1);
      assert.equal(metrics.types.get('myapp_health_draining'), 'gauge');
      assert.ok(![...metrics.types.keys()].some((name) => name.startsWith('shipshape_')));
    } finally {
      remove();
    }
    assert.ok(!(await register.metrics()).includes('myapp_health_'), 'removed from the global registry');
    const bare = prometheusMetrics(probes, { prefix: '' });
    assert.match(await register.metrics(), /^# TYPE check_up gauge$/m);
    bare();
  });

  it('removes every metric and stops counting; registering again starts afresh', async () => {
    const registry = new Registry();
    const probes = createProbes({ readiness: { db: () => {} } });
    const remove = prometheusMetrics(probes, { registry });
    await probes.check('readiness');
    remove();
    remove();
    assert.equal(await registry.metrics(), '\n');
    await probes.check('readiness');
    const again = prometheusMetrics(probes, { registry });
    await probes.check('readiness');
    assert.equal(valueOf(await scrape(registry), 'shipshape_check_runs_total', { check: 'db', result: 'pass' }), 1);
    again();
  });

  it('leaves nothing registered when a name is taken, and keeps the metric that took it', async () => {
    const registry = new Registry();
    new Gauge({ name: 'shipshape_probe_up', help: 'the app’s own', registers: [registry] });
    const probes = createProbes();
    assert.throws(() => prometheusMetrics(probes, { registry }), /shipshape_probe_up has already been registered/);
    assert.deepEqual([...(await scrape(registry)).types.keys()], ['shipshape_probe_up']);
  });

  it('refuses what is not a probes instance, a bad prefix or registry, and unknown options', () => {
    const probes = createProbes();
    const invalid = (make: () => unknown, pattern: RegExp): void => {
      assert.throws(make, (error: unknown) => error instanceof InvalidOptionError && pattern.test((error as Error).message));
    };
    invalid(() => prometheusMetrics({} as never), /`probes` to be the result of createProbes\(\), got an object/);
    invalid(() => prometheusMetrics(probes, { prefix: 'my-app_' }), /`prefix` to be "" or the start of a Prometheus metric name .*got `"my-app_"`/);
    invalid(() => prometheusMetrics(probes, { prefix: 3 as never }), /`prefix`.*got `3`/);
    invalid(() => prometheusMetrics(probes, { registry: {} as never }), /`registry` to be a prom-client Registry, got an object/);
    invalid(() => prometheusMetrics(probes, { registers: [] } as never), /Unknown option `registers`: expected one of `registry`, `prefix`/);
  });
});
