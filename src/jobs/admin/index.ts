/**
 * The admin job: `ensureAdmin` (the job of `shipshape ensureadmin`), its options and
 * defaults, and what the command needs to check its flags in its own words.
 */
export { ensureAdmin, ensureAdminWith, checkEmail } from './ensure-admin.js';
export type { EnsureAdminResult } from './ensure-admin.js';
export { DEFAULTS, OPTION_WORDS, planStore } from './options.js';
export type { EnsureAdminOptions, OptionWords, StorePlan } from './options.js';
export { HASHER_NAMES } from './hashers/hasher.js';
export type { HasherName } from './hashers/hasher.js';
export { DJANGO_ITERATIONS, PBKDF2_OWASP_ITERATIONS } from './hashers/pbkdf2-sha256.js';
export type { ColumnValue } from './sql-store.js';
