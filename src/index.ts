/**
 * @module shipshape
 *
 * Kubernetes probes, dependency checks and graceful shutdown for any Node.js app or worker.
 */
export { createProbes } from './core/probes.js';
export type { Probes, ProbesOptions, ProbeCheckOptions } from './core/probes.js';
export type { Check, Checks, CheckFunction, CheckSpec, CheckStatus, Observation } from './core/check.js';
export type { CheckReport, ProbeName, ProbeReport } from './core/report.js';
export type { ProbeRequest, ProbeResponse } from './core/respond.js';
export type { ProbePaths } from './core/routes.js';
export type { Logger } from './core/logger.js';
export type { NodeRequestLike, NodeResponseLike } from './core/handle.js';
export {
  ShipshapeError,
  NotReady,
  CheckTimeoutError,
  DriverMissingError,
  LockTimeoutError,
  UsageError,
  InvalidOptionError,
  isShipshapeError,
} from './core/errors.js';
export type { ShipshapeErrorCode } from './core/errors.js';
export { redact, registerSecret, registerUrlSecrets } from './core/redact.js';
