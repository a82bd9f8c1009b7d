/**
 * The options of `ensureAdmin` and which store they name: the app's hooks, a SQL table with
 * a hasher, or Django's `auth_user`. Checked before anything is read or opened.
 *
 * The rules are the same for `ensureAdmin()` and for `shipshape ensureadmin`, whose flags
 * are these options; only the words differ (`table` here, `--table` there), so the messages
 * take them from an {@link OptionWords} table.
 */
import type { AdminHooks } from '../../core/config.js';
import { InvalidOptionError } from '../../core/errors.js';
import { describe, expectKnownKeys } from '../../core/options.js';
import { DJANGO_TABLE, djangoColumns } from './django.js';
import { HASHER_NAMES, type HasherName } from './hashers/hasher.js';
import { DJANGO_ITERATIONS } from './hashers/pbkdf2-sha256.js';
import { checkSqlTable, type ColumnValue, type SqlTable } from './sql-store.js';

/** Options of `ensureAdmin`: the user, and where it lives. */
export interface EnsureAdminOptions {
  readonly username: string;
  /** Validated (Django's rules) before a user is created or its password updated, unless `validate: false`. */
  readonly password: string;
  readonly email?: string | undefined;
  /** The app's own `find`/`create`/`setPassword` (any ORM), as the config file's `admin`. */
  readonly hooks?: AdminHooks | undefined;
  /** A `postgres://` or `mysql://` URL, for `table` and `preset`. */
  readonly database?: string | undefined;
  /** A SQL table of users (`schema.table` allowed); needs `hasher`. */
  readonly table?: string | undefined;
  /** @defaultValue `DEFAULTS.usernameField` */
  readonly usernameField?: string | undefined;
  /** @defaultValue `DEFAULTS.emailField` */
  readonly emailField?: string | undefined;
  /** @defaultValue `DEFAULTS.passwordField` */
  readonly passwordField?: string | undefined;
  /** More columns to set on insert: `{ role: 'admin' }`, or `[column, value]` pairs. */
  readonly set?: Readonly<Record<string, ColumnValue>> | ReadonlyArray<readonly [string, ColumnValue]> | undefined;
  /** How the password is hashed: the one the app's login verifies (no default, on purpose). */
  readonly hasher?: HasherName | undefined;
  /** PBKDF2 iterations (`pbkdf2_sha256`, `preset: 'django'`). @defaultValue Django's current count for the preset, OWASP's 600,000 otherwise */
  readonly iterations?: number | undefined;
  /** `'django'`: Django's `auth_user`, a superuser Django's own login accepts. */
  readonly preset?: 'django' | undefined;
  /** Set the password of an existing user too. @defaultValue `DEFAULTS.updatePassword` */
  readonly updatePassword?: boolean | undefined;
  /** Check the password against Django's four validators. @defaultValue `DEFAULTS.validate` */
  readonly validate?: boolean | undefined;
  /** Every statement and hook runs within this. @defaultValue `DEFAULTS.timeoutMs` (60 s) */
  readonly timeoutMs?: number | undefined;
  /** Stops it: it rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

/** The defaults of {@link EnsureAdminOptions}. */
export const DEFAULTS = { usernameField: 'username', emailField: 'email', passwordField: 'password_hash', updatePassword: false, validate: true, timeoutMs: 60_000 } as const;

/** How messages name the options: the API's words, or the command line's flags. */
export interface OptionWords {
  readonly table: string;
  readonly usernameField: string;
  readonly emailField: string;
  readonly passwordField: string;
  readonly set: string;
  /** What a malformed `set` entry should look like. */
  readonly setForm: string;
  readonly hasher: string;
  readonly preset: string;
  readonly iterations: string;
  readonly database: string;
  readonly presetDjango: string;
  readonly hasherPbkdf2: string;
  /** Where the hooks come from, and what to do without a store. */
  readonly hooks: string;
  readonly noStore: string;
  readonly subject: string;
}

/** The API's words. */
export const OPTION_WORDS: OptionWords = {
  table: '`table`',
  usernameField: '`usernameField`',
  emailField: '`emailField`',
  passwordField: '`passwordField`',
  set: '`set`',
  setForm: 'Expected each entry of `set` to be a [column, value] pair',
  hasher: '`hasher`',
  preset: '`preset`',
  iterations: '`iterations`',
  database: '`database`',
  presetDjango: "`preset: 'django'`",
  hasherPbkdf2: "`hasher: 'pbkdf2_sha256'`",
  hooks: '`hooks`',
  noStore: "pass `table` and `hasher`, `preset: 'django'`, or `hooks`",
  subject: 'ensureAdmin()',
};

/** The store the options name. */
export type StorePlan =
  | { readonly kind: 'hooks'; readonly updatePassword: boolean; readonly validate: boolean }
  | { readonly kind: 'table' | 'django'; readonly table: SqlTable; readonly hasher: HasherName; readonly iterations: number | undefined; readonly updatePassword: boolean; readonly validate: boolean };

/** Every key {@link EnsureAdminOptions} has. */
export const OPTION_KEYS = ['username', 'password', 'email', 'hooks', 'database', 'table', 'usernameField', 'emailField', 'passwordField', 'set', 'hasher', 'iterations', 'preset', 'updatePassword', 'validate', 'timeoutMs', 'signal'] as const;

/**
 * Which store the options name, checked (identifiers, hasher, the options that go
 * together). Reads and opens nothing.
 *
 * @throws InvalidOptionError naming the option, in `words`.
 */
export function planStore(options: Omit<EnsureAdminOptions, 'username' | 'password'>, words: OptionWords = OPTION_WORDS): StorePlan {
  expectKnownKeys('options', options, OPTION_KEYS);
  for (const key of ['updatePassword', 'validate'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') throw new InvalidOptionError(`Expected \`${key}\` to be true or false, got ${describe(options[key])}`);
  }
  const common = { updatePassword: options.updatePassword ?? DEFAULTS.updatePassword, validate: options.validate ?? DEFAULTS.validate };
  const tableOptions = (['table', 'usernameField', 'emailField', 'passwordField', 'set'] as const).filter((name) => options[name] !== undefined);
  const { iterations, preset, hasher } = options;
  if (iterations !== undefined && !(Number.isSafeInteger(iterations) && iterations >= 1)) throw new InvalidOptionError(`${words.iterations} must be a positive whole number, got ${describe(iterations)}`);
  if (preset !== undefined && preset !== 'django') throw new InvalidOptionError(`${words.preset} must be django, got ${JSON.stringify(preset)}`);
  if (preset === 'django') {
    if (hasher !== undefined) throw new InvalidOptionError(`${words.presetDjango} hashes with pbkdf2_sha256, as Django does: leave out ${words.hasher}`);
    const table = sqlTable(options, { ...DJANGO_TABLE, emailDefault: '', set: djangoColumns() }, words);
    return { kind: 'django', table, hasher: 'pbkdf2_sha256', iterations: iterations ?? DJANGO_ITERATIONS, ...common };
  }
  if (options.table === undefined) {
    if (tableOptions.length > 0 || hasher !== undefined) throw new InvalidOptionError(`${words[tableOptions[0] ?? 'hasher']} needs ${words.table} (or ${words.presetDjango})`);
    if (iterations !== undefined) throw new InvalidOptionError(`${words.iterations} needs ${words.hasherPbkdf2} or ${words.presetDjango}`);
    if (options.database !== undefined) throw new InvalidOptionError(`${words.database} needs ${words.table} or ${words.presetDjango} (${words.hooks} use the app's own connection)`);
    return { kind: 'hooks', ...common };
  }
  if (hasher === undefined) throw new InvalidOptionError(`${words.table} needs ${words.hasher} (${HASHER_NAMES.join(', ')}): the one the app's login verifies`);
  if (!HASHER_NAMES.includes(hasher)) throw new InvalidOptionError(`${words.hasher} must be one of ${HASHER_NAMES.join(', ')}, got ${JSON.stringify(hasher)}`);
  if (iterations !== undefined && hasher !== 'pbkdf2_sha256') throw new InvalidOptionError(`${words.iterations} goes with ${words.hasherPbkdf2} only`);
  const table = sqlTable(options, { table: options.table, usernameField: DEFAULTS.usernameField, emailField: DEFAULTS.emailField, passwordField: DEFAULTS.passwordField, set: [] }, words);
  return { kind: 'table', table, hasher, iterations, ...common };
}

// --- internal ---

/** The preset's (or the defaults') table with the options' overrides, checked. */
function sqlTable(options: Omit<EnsureAdminOptions, 'username' | 'password'>, base: SqlTable, words: OptionWords): SqlTable {
  const given = options.set ?? [];
  if (typeof given !== 'object' || given === null) throw new InvalidOptionError(`Expected ${words.set} to be an object of columns and values, got ${describe(given)}`);
  const set = Array.isArray(given) ? (given as ReadonlyArray<readonly [string, ColumnValue]>) : Object.entries(given as Record<string, ColumnValue>);
  for (const entry of set) {
    if (!Array.isArray(entry) || entry.length !== 2 || entry[1] === undefined || entry[1] === null) throw new InvalidOptionError(words.setForm);
  }
  const table: SqlTable = {
    ...base,
    table: options.table ?? base.table,
    usernameField: options.usernameField ?? base.usernameField,
    emailField: options.emailField ?? base.emailField,
    passwordField: options.passwordField ?? base.passwordField,
    // a `set` column replaces the preset's value for it
    set: [...base.set.filter(([column]) => !set.some(([name]) => name.toLowerCase() === column.toLowerCase())), ...set],
  };
  checkSqlTable(table, words);
  return table;
}
