/**
 * `prometheusMetrics(probes)`: the probes' metrics in the app's own `prom-client` registry
 * (SPEC §7). Gauges are computed from `probes.snapshot()` when Prometheus scrapes; the
 * duration histogram and the run counter are fed by `probes.subscribe()`, one event per
 * finished run. Nothing here runs a check.
 */
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { InvalidOptionError } from '../core/errors.js';
import { requirePeer } from '../core/internal/load-driver.js';
import { describe, expectKnownKeys, resolveOptions } from '../core/options.js';
import { DURATION_BUCKETS_SECONDS, expectObservedProbes, PROBE_NAMES, RUN_RESULTS, runResult, upValue, type ObservedProbes } from './_shared.js';

/** Options of {@link prometheusMetrics}. */
export interface PrometheusMetricsOptions {
  /** The registry to register in. @defaultValue prom-client's global `register` */
  readonly registry?: Registry;
  /** Replaces `shipshape_` at the start of every metric name (`''` for none). @defaultValue `DEFAULTS.prefix` */
  readonly prefix?: string;
}

/** Defaults of {@link PrometheusMetricsOptions}, in one place. */
export const DEFAULTS = {
  registry: undefined as Registry | undefined,
  prefix: 'shipshape_',
};

/**
 * Registers the probes' metrics in a `prom-client` registry and returns the function that
 * removes them again:
 * - `shipshape_check_up{check}`: 1 if the check's latest result passed, 0 if it failed
 *   (critical or not, a stale background result included); no sample before its first run;
 * - `shipshape_check_duration_seconds{check}`: a histogram of run durations;
 * - `shipshape_check_runs_total{check,result}`: runs by `result`, `pass`, `fail` or `timeout`;
 * - `shipshape_probe_up{probe}`: 1 while `liveness`, `readiness` or `startup` passes (a
 *   failing non-critical check included: the kubelet gets 200), 0 while it fails; no sample
 *   while one of its checks has not run yet;
 * - `shipshape_draining`: 1 from `drain()` on (graceful shutdown began), else 0.
 *
 * A scrape never runs a check: the gauges read `probes.snapshot()`. For gauges that say
 * what the dependency says now, give the checks an `intervalMs` (background checks): the
 * kubelet, the load balancer and Prometheus then cost the dependency one query per interval.
 *
 * @throws DriverMissingError (`SHIPSHAPE_DRIVER_MISSING`) when `prom-client` is not installed;
 *   InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) for a bad option; prom-client's own
 *   error when the registry already has a metric of one of these names (nothing is left
 *   registered then).
 *
 * @example
 * ```ts
 * import http from 'node:http';
 * import { register } from 'prom-client';
 * import { createProbes, postgres } from 'shipshape';
 * import { withProbes } from 'shipshape/node';
 * import { prometheusMetrics } from 'shipshape/prometheus';
 *
 * const probes = createProbes({ readiness: { db: postgres(process.env.DATABASE_URL ?? '', { intervalMs: 5000 }) } });
 * prometheusMetrics(probes);
 * http.createServer(withProbes(probes, async (req, res) => {
 *   if (req.url === '/metrics') res.writeHead(200, { 'content-type': register.contentType }).end(await register.metrics());
 *   else res.writeHead(404).end();
 * })).listen(3000);
 * ```
 */
export function prometheusMetrics(probes: ObservedProbes, options: PrometheusMetricsOptions = {}): () => void {
  expectObservedProbes(probes);
  expectKnownKeys('options', options, Object.keys(DEFAULTS));
  const { registry: given, prefix } = resolveOptions(DEFAULTS, options);
  if (typeof prefix !== 'string' || !/^(?:[a-zA-Z_:][a-zA-Z0-9_:]*)?$/.test(prefix)) {
    throw new InvalidOptionError(`Expected \`prefix\` to be "" or the start of a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), got ${describe(prefix)}`);
  }
  if (given !== undefined && (typeof given !== 'object' || given === null || typeof given.registerMetric !== 'function' || typeof given.removeSingleMetric !== 'function')) {
    throw new InvalidOptionError(`Expected \`registry\` to be a prom-client Registry, got ${describe(given)}`);
  }
  const client = requirePeer<typeof import('prom-client')>('prom-client');
  const registry = given ?? client.register;
  const registered: string[] = [];
  const remove = (): void => {
    for (const name of registered.splice(0)) registry.removeSingleMetric(name);
  };
  try {
    const { runs, durations } = registerAll(client, registry, prefix, probes, registered);
    const unsubscribe = probes.subscribe((event) => {
      if (event.type !== 'check') return;
      durations.observe({ check: event.name }, event.durationMs / 1000);
      runs.inc({ check: event.name, result: runResult(event) });
    });
    return function removePrometheusMetrics(): void {
      unsubscribe();
      remove();
    };
  } catch (error) {
    remove();
    throw error;
  }
}

// --- internal ---

type Client = typeof import('prom-client');

/** Creates every metric in `registry`, pushing each name on `registered` as it goes. */
function registerAll(client: Client, registry: Registry, prefix: string, probes: ObservedProbes, registered: string[]) {
  const registers = [registry];
  const track = <T,>(name: string, make: () => T): T => {
    const metric = make();
    registered.push(name);
    return metric;
  };
  track(`${prefix}check_up`, () =>
    new client.Gauge({
      name: `${prefix}check_up`,
      help: 'Whether the latest result of a shipshape check passed (1) or failed (0, critical or not); no sample before its first run.',
      labelNames: ['check'],
      registers,
      collect(this: Gauge<'check'>) {
        this.reset();
        for (const [check, { status }] of Object.entries(probes.snapshot().checks)) {
          const up = upValue(status, false);
          if (up !== undefined) this.set({ check }, up);
        }
      },
    }),
  );
  const durations: Histogram<'check'> = track(`${prefix}check_duration_seconds`, () =>
    new client.Histogram({ name: `${prefix}check_duration_seconds`, help: 'How long each run of a shipshape check took.', labelNames: ['check'], buckets: [...DURATION_BUCKETS_SECONDS], registers }),
  );
  const runs: Counter<'check' | 'result'> = track(`${prefix}check_runs_total`, () =>
    new client.Counter({ name: `${prefix}check_runs_total`, help: 'Runs of each shipshape check by result: pass, fail or timeout.', labelNames: ['check', 'result'], registers }),
  );
  track(`${prefix}probe_up`, () =>
    new client.Gauge({
      name: `${prefix}probe_up`,
      help: 'Whether each probe (liveness, readiness, startup) passes (1) or fails (0) on its latest results; no sample while one of its checks has not run yet.',
      labelNames: ['probe'],
      registers,
      collect(this: Gauge<'probe'>) {
        this.reset();
        const status = probes.snapshot().probes;
        for (const probe of PROBE_NAMES) {
          const up = upValue(status[probe], true);
          if (up !== undefined) this.set({ probe }, up);
        }
      },
    }),
  );
  track(`${prefix}draining`, () =>
    new client.Gauge({
      name: `${prefix}draining`,
      help: 'Whether the app is draining (1: graceful shutdown began) or not (0).',
      registers,
      collect(this: Gauge) {
        this.set(probes.snapshot().draining ? 1 : 0);
      },
    }),
  );
  // every series from 0, so that rate() and increase() see a check's first run and first failure
  for (const check of Object.keys(probes.snapshot().checks)) {
    durations.zero({ check });
    for (const result of RUN_RESULTS) runs.inc({ check, result }, 0);
  }
  return { runs, durations };
}
