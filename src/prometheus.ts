/**
 * @module shipshape/prometheus
 *
 * The probes' metrics in the app's own `prom-client` registry (optional peer dependency,
 * version 15 or later): every check's latest result, its run durations and run counts, each
 * probe's status and the draining flag. A scrape never runs a check.
 */
export { prometheusMetrics } from './metrics/prometheus.js';
export type { PrometheusMetricsOptions } from './metrics/prometheus.js';
