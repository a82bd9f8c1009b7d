/**
 * @module shipshape/jobs
 *
 * The command line's jobs as functions, for apps that migrate at boot, test set-ups and
 * scripts: `waitFor` (`shipshape wait4`), `withMigrationLock` (`lockedmigrate`'s lock around
 * a function), `ensureAdmin` (`ensureadmin`) and `checkManifests` (`doctor`). Each takes an
 * `AbortSignal` and never prints: progress goes to a callback, failures are
 * `ShipshapeError`s with codes. What they need beyond Node (a database driver, a hashing
 * library, the `yaml` parser) is loaded only when a call needs it.
 */
export { waitFor } from './wait/index.js';
export type { WaitOptions, WaitProgress } from './wait/index.js';
export { withMigrationLock } from './migration-lock/index.js';
export type { MigrationLockOptions, LockWait } from './migration-lock/index.js';
export { ensureAdmin } from './admin/index.js';
export type { EnsureAdminOptions, EnsureAdminResult, HasherName, ColumnValue } from './admin/index.js';
export { checkManifests } from './doctor/index.js';
export type { ManifestFinding } from './doctor/index.js';
export { WaitTimeoutError, WeakPasswordError, LockTimeoutError, LockLostError } from '../core/errors.js';
export type { WaitFailure } from '../core/errors.js';
