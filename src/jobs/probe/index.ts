/**
 * The probe job: asking a running process for a probe (over its Unix socket or HTTP), or
 * running the probe's checks in this process. `shipshape probe` prints what they return.
 */
export { ask, shown } from './ask.js';
export type { Answer, AskOptions, AskTarget } from './ask.js';
export { ENV_CHECKS, probeInProcess } from './in-process.js';
export type { InProcessResult } from './in-process.js';
