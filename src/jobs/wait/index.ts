/**
 * The wait job: `waitFor` (the job of `shipshape wait4` and `wait4db`), and what its
 * command needs to name targets and read its progress.
 */
export { waitFor, DEFAULTS } from './wait-for.js';
export type { WaitOptions } from './wait-for.js';
export type { WaitProgress } from './loop.js';
export { parseTarget, TARGET_FORMS, DATABASE_FORMS } from './targets.js';
export type { WaitTarget } from './targets.js';
