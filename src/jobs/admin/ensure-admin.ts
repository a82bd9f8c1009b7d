/**
 * `ensureAdmin(options)`: the job of `shipshape ensureadmin` as a function. The decision, in
 * order: does the user exist? → (validate the password) → create it, or update its password
 * when asked; every statement and hook within `timeoutMs`.
 */
import { InvalidOptionError, isShipshapeError, ShipshapeError, WeakPasswordError } from '../../core/errors.js';
import { abortable } from '../../core/internal/abortable.js';
import { runWithDeadline } from '../../core/internal/deadline.js';
import { createSqlClient } from '../../core/internal/sql/client.js';
import { parseSqlUrl, schemeOf, SQL_URL_SCHEMES } from '../../core/internal/sql/url.js';
import { describe, expectPositiveNumber } from '../../core/options.js';
import { registerSecret } from '../../core/redact.js';
import { toReason } from '../../core/reason.js';
import { djangoValues } from './django.js';
import { loadHasher, type PasswordHasher } from './hashers/hasher.js';
import { DEFAULTS, OPTION_WORDS, planStore, type EnsureAdminOptions, type OptionWords, type StorePlan } from './options.js';
import { passwordProblems } from './password-policy.js';
import { sqlStore } from './sql-store.js';
import { hooksStore, type AdminStore } from './store.js';

/** What {@link ensureAdmin} did. */
export interface EnsureAdminResult {
  /** This call created the user. */
  readonly created: boolean;
  /** This call set the password of a user that existed (`updatePassword`). */
  readonly updated: boolean;
}

/**
 * Creates the admin user unless a user with that username exists; then nothing changes (the
 * password neither, unless `updatePassword`). Safe to run from many Jobs or replicas at
 * once: exactly one creates the user, the others find it. The store is the app's `hooks`
 * (any ORM), a SQL `table` with a `hasher` (argon2id, bcrypt, scrypt, pbkdf2_sha256, in
 * the formats the usual verifiers read), or `preset: 'django'`. The password is validated
 * (Django's four validators) only when it is about to be stored.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) for options that do not name one
 *   store, or a bad one; DriverMissingError (`SHIPSHAPE_DRIVER_MISSING`) without the hashing
 *   library or database driver; WeakPasswordError (`SHIPSHAPE_WEAK_PASSWORD`) with its
 *   reasons; any other failure (the database, a hook, `timeoutMs`) as a ShipshapeError with a
 *   redacted message naming the database. An aborted `signal` rejects with its reason.
 *
 * @example
 * ```ts
 * import { ensureAdmin } from 'shipshape/jobs';
 *
 * const users = new Map<string, { email?: string }>();
 * const { created } = await ensureAdmin({
 *   username: 'admin',
 *   password: 'correct horse battery staple',
 *   hooks: { find: (name) => users.get(name), create: ({ username, email }) => users.set(username, { email }) },
 * });
 * ```
 */
export function ensureAdmin(options: EnsureAdminOptions): Promise<EnsureAdminResult> {
  return ensureAdminWith(options, OPTION_WORDS);
}

/** {@link ensureAdmin}, its messages in `words` (the command line's flags). */
export async function ensureAdminWith(options: EnsureAdminOptions, words: OptionWords): Promise<EnsureAdminResult> {
  const plan = planStore(options, words);
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  expectPositiveNumber('timeoutMs', timeoutMs);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new InvalidOptionError(`Expected \`signal\` to be an AbortSignal, got ${describe(options.signal)}`);
  for (const key of ['username', 'password'] as const) {
    if (typeof options[key] !== 'string' || options[key] === '') throw new InvalidOptionError(`Expected \`${key}\` to be a non-empty string, got ${key === 'password' ? typeof options[key] : describe(options[key])}`);
  }
  registerSecret(options.password);
  if (options.email !== undefined) checkEmail(options.email);
  const given = { username: options.username, email: options.email, password: options.password };
  const user = plan.kind === 'django' ? djangoValues(given) : given;
  options.signal?.throwIfAborted();
  const hasher = plan.kind === 'hooks' ? undefined : await loadHasher(plan.hasher, { iterations: plan.iterations });
  const { store, target } = openStore(plan, hasher, options, words);
  const timeout = new ShipshapeError(`timed out after ${timeoutMs / 1000} s${target ? ` (${target})` : ''}`);
  try {
    const deadline = runWithDeadline((bound) => decide(store, user, plan, hasher, options.signal ? AbortSignal.any([bound, options.signal]) : bound), timeoutMs, timeout);
    const settled = await (options.signal ? abortable(deadline.settled, options.signal) : deadline.settled);
    if (settled.outcome === 'timeout') throw timeout;
    if (settled.outcome === 'failed') throw settled.error;
    return settled.value;
  } catch (error) {
    if (error === timeout || error === options.signal?.reason || error instanceof WeakPasswordError) throw error;
    // a setup problem found on the way (a missing driver) stays what it is
    if (isShipshapeError(error) && SETUP_ERRORS.has(error.code)) throw error;
    const reason = toReason(error);
    throw new ShipshapeError(`${reason}${target && !reason.includes(target) ? ` (${target})` : ''}`, { cause: error });
  } finally {
    await store.close().catch(() => {});
  }
}

/**
 * Checks that an email looks like `name@domain`, without spaces.
 *
 * @throws InvalidOptionError when it does not.
 */
export function checkEmail(email: string): void {
  if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/u.test(email)) throw new InvalidOptionError('the email must look like name@domain, without spaces');
}

// --- internal ---

const SETUP_ERRORS: ReadonlySet<string> = new Set(['SHIPSHAPE_USAGE', 'SHIPSHAPE_CONFIG', 'SHIPSHAPE_DRIVER_MISSING', 'SHIPSHAPE_INVALID_OPTION']);

/** The store of the plan, opened lazily (a SQL client connects on its first query). */
function openStore(plan: StorePlan, hasher: PasswordHasher | undefined, options: EnsureAdminOptions, words: OptionWords): { store: AdminStore; target?: string } {
  if (plan.kind === 'hooks') {
    const { hooks } = options;
    if (!hooks) throw new InvalidOptionError(`no store: ${words.noStore}`);
    if (typeof hooks !== 'object' || typeof hooks.find !== 'function' || typeof hooks.create !== 'function') throw new InvalidOptionError(`Expected ${words.hooks} to be an object with find() and create(), got ${describe(hooks)}`);
    if (plan.updatePassword && typeof hooks.setPassword !== 'function') throw new InvalidOptionError(`\`updatePassword\` needs ${words.hooks} with setPassword()`);
    return { store: hooksStore(hooks) };
  }
  const url = options.database;
  const dialect = typeof url === 'string' ? SQL_URL_SCHEMES[schemeOf(url) ?? '']?.dialect : undefined;
  if (url === undefined) throw new InvalidOptionError(`${words.table} and ${words.presetDjango} need ${words.database}, a postgres:// or mysql:// URL`);
  if (dialect !== 'postgres' && dialect !== 'mysql') throw new InvalidOptionError(`${words.subject} needs a postgres://, postgresql://, mysql:// or mariadb:// database URL`);
  try {
    parseSqlUrl('ensureAdmin', dialect, url, dialect === 'mysql');
  } catch (error) {
    throw new InvalidOptionError(toReason(error).replace('`ensureAdmin()`', words.database));
  }
  // no reconnecting: a transaction (and its lock) lost with its connection must fail, not
  // carry on in autocommit on a new one
  const client = createSqlClient(url, { applicationName: `shipshape ensureadmin ${process.pid}`, reopen: false });
  return { store: sqlStore(client, plan.table, hasher!), target: client.target };
}

/** The decision, in order: exists? → (validate) → create or update. */
async function decide(store: AdminStore, user: { username: string; email: string | undefined; password: string }, plan: StorePlan, hasher: PasswordHasher | undefined, signal: AbortSignal): Promise<EnsureAdminResult> {
  const exists = await store.exists(user.username, signal);
  if (exists && !plan.updatePassword) return { created: false, updated: false };
  const reasons = [...(plan.validate ? passwordProblems(user.password, user) : []), ...[hasher?.refuse(user.password)].filter((reason) => reason !== undefined)];
  if (reasons.length > 0) throw new WeakPasswordError(reasons);
  if (!exists && (await store.create(user, signal))) return { created: true, updated: false };
  if (!plan.updatePassword) return { created: false, updated: false };
  return { created: false, updated: await store.setPassword(user, signal) };
}
