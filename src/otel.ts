/**
 * @module shipshape/otel
 *
 * The probes' metrics through OpenTelemetry (`@opentelemetry/api`, optional peer
 * dependency): every check's latest result, its run durations and run counts, each probe's
 * status and the draining flag. A collection never runs a check.
 */
export { otelMetrics } from './metrics/otel.js';
export type { OtelMetricsOptions } from './metrics/otel.js';
