/**
 * The migration lock job: `withMigrationLock` (a function under the lock), and what
 * `lockedmigrate` (a COMMAND under the same lock) is made of.
 */
export { withMigrationLock, DEFAULTS, LOCK_ID_MIN, LOCK_ID_MAX } from './with-migration-lock.js';
export type { MigrationLockOptions } from './with-migration-lock.js';
export { TIMING } from './acquire.js';
export type { LockWait } from './acquire.js';
export { holdLock } from './hold.js';
export type { HoldEvents } from './hold.js';
export { SharedSessionError } from './session-lock.js';
export { describeExit, exitCodeOfSignal, runCommand, trapSignals } from './command-process.js';
export type { ChildExit } from './command-process.js';
