/**
 * `shipshape ensureadmin`: creates the admin user in a Job, once, however many Jobs run.
 *
 * If a user with the username exists, nothing changes (the password neither, unless
 * `--update-password`) and the command says so; the password is validated only when it is
 * about to be stored. The store is the config's `admin` hooks, a SQL table (`--table`,
 * `--hasher`), or Django's `auth_user` (`--preset django`). Every database statement and
 * hook runs under `--timeout`.
 */
import type { AdminHooks } from '../../core/config.js';
import { ConfigError, isShipshapeError, ShipshapeError, UsageError, type ShipshapeErrorCode } from '../../core/errors.js';
import { runWithDeadline } from '../../core/internal/deadline.js';
import { parseSqlUrl, schemeOf, SQL_URL_SCHEMES } from '../../core/internal/sql/url.js';
import { toReason } from '../../core/reason.js';
import { DJANGO_PREFIXES, DJANGO_TABLE, djangoColumns, djangoValues } from '../../jobs/admin/django.js';
import { checkSqlTable, sqlStore, type SqlTable } from '../../jobs/admin/sql-store.js';
import { hooksStore, type AdminStore } from '../../jobs/admin/store.js';
import { adminValues, type AdminValues } from './_admin-values.js';
import { databaseUrl, loadConfig, type LoadedConfig } from '../_config.js';
import { parseFlags, seconds } from '../_flags.js';
import { HASHER_NAMES, loadHasher, type HasherName, type PasswordHasher } from '../../jobs/admin/hashers/hasher.js';
import { DJANGO_ITERATIONS } from '../../jobs/admin/hashers/pbkdf2-sha256.js';
import type { CliIO } from '../_io.js';
import { passwordProblems } from '../../jobs/admin/password-policy.js';
import { createSqlClient } from '../../core/internal/sql/client.js';

export const FLAGS = {
  username: { type: 'string', short: 'u' },
  password: { type: 'string', short: 'p' },
  email: { type: 'string', short: 'e' },
  database: { type: 'string', short: 'd' },
  config: { type: 'string' },
  table: { type: 'string' },
  'username-field': { type: 'string' },
  'email-field': { type: 'string' },
  'password-field': { type: 'string' },
  set: { type: 'string', multiple: true },
  hasher: { type: 'string' },
  preset: { type: 'string' },
  iterations: { type: 'string' },
  'update-password': { type: 'boolean' },
  'no-validate': { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

/** Defaults of the flags. */
export const DEFAULTS = { usernameField: 'username', emailField: 'email', passwordField: 'password_hash', timeoutSeconds: 60 } as const;

/** What `ensureadmin` prints on stdout. */
export const OUTCOMES = { created: 'admin user created', exists: 'admin user already exists', updated: 'admin user password updated' } as const;

export const USAGE = `Usage: shipshape ensureadmin [-u USERNAME] [-p PASSWORD] [-e EMAIL] [store options]

Creates the admin user unless a user with that username exists; then nothing changes (the
password neither, unless --update-password). Safe to run from many Jobs at once.
Prints "${OUTCOMES.created}", "${OUTCOMES.exists}" or "${OUTCOMES.updated}".

Values (first match wins):
  -u, --username NAME     else $ADMIN_USERNAME, else the file named by $ADMIN_USERNAME_FILE
  -p, --password PASS     else $ADMIN_PASSWORD, else $ADMIN_PASSWORD_FILE (-p is visible to
                          other processes: prefer the file of a mounted Secret)
  -e, --email EMAIL       else $ADMIN_EMAIL, else $ADMIN_EMAIL_FILE (optional)
                          (--preset django also reads DJANGO_SUPERUSER_USERNAME/_PASSWORD/_EMAIL)

Stores (one of):
  the config file's \`admin\` hooks { find, create, setPassword? } (the default)
  --table NAME            a SQL table (PostgreSQL, MySQL/MariaDB), with --hasher
    --username-field COL  (default: ${DEFAULTS.usernameField})
    --email-field COL     (default: ${DEFAULTS.emailField})
    --password-field COL  (default: ${DEFAULTS.passwordField})
    --set COL=VALUE       another column to set on insert (repeatable)
    --hasher NAME         ${HASHER_NAMES.join(' | ')} (required: the app's verifier must match)
  --preset django         Django's auth_user (a superuser Django's login accepts); --table,
                          the field flags and --set adapt it to a custom user model
  --iterations N          PBKDF2 iterations (default: ${DJANGO_ITERATIONS} for django, 600000 for pbkdf2_sha256)

Options:
  -d, --database URL      the database (else the config's \`database\`, else $DATABASE_URL)
  --config FILE           the config file (else $SHIPSHAPE_CONFIG, else ./shipshape.config.*)
  --update-password       set the password of an existing user too
  --no-validate           skip the password rules (8+ characters, not all digits, not like
                          the username or email, not a common password)
  --timeout SEC           give up after SEC seconds (default: ${DEFAULTS.timeoutSeconds})

Exit codes: 0 created or already there, 1 weak password or database failure, 2 usage or
configuration error.
`;

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { values: flags } = parseFlags(argv, FLAGS);
  const plan = planStore(flags);
  const timeoutMs = seconds('timeout', flags.timeout, DEFAULTS.timeoutSeconds);
  const given = adminValues(flags, io, plan.kind === 'django' ? DJANGO_PREFIXES : ['ADMIN']);
  const user = plan.kind === 'django' ? djangoValues(given) : given;
  if (user.passwordFromFlag) {
    io.stderr.write('shipshape ensureadmin: warning: a password given with -p/--password is visible to other processes (ps, /proc); prefer ADMIN_PASSWORD_FILE\n');
  }
  const hasher = plan.kind === 'hooks' ? undefined : await loadHasher(plan.hasher, { iterations: plan.iterations });
  const loaded = await loadConfig(io, flags.config);
  const store = await openStore(plan, hasher, flags.database, loaded, io);
  const timeout = new ShipshapeError(`timed out after ${timeoutMs / 1000} s${store.target ? ` (${store.target})` : ''}`);
  const deadline = runWithDeadline((signal) => ensure(store.store, user, plan, hasher, signal), timeoutMs, timeout);
  try {
    const settled = await deadline.settled;
    if (settled.outcome === 'timeout') throw timeout;
    if (settled.outcome === 'failed') throw settled.error;
    if (settled.value.outcome === 'rejected') {
      io.stderr.write(`shipshape ensureadmin: password rejected: ${settled.value.reasons.join('; ')}\n`);
      return 1;
    }
    io.stdout.write(`${OUTCOMES[settled.value.outcome]}\n`);
    return 0;
  } catch (error) {
    // a setup problem found on the way (a missing driver) keeps its exit 2, from cli.ts
    if (isShipshapeError(error) && SETUP_ERRORS.has(error.code)) throw error;
    const reason = toReason(error);
    io.stderr.write(`shipshape ensureadmin: ${reason}${store.target && !reason.includes(store.target) ? ` (${store.target})` : ''}\n`);
    return 1;
  } finally {
    await store.store.close().catch(() => {});
  }
}

// --- internal ---

const SETUP_ERRORS: ReadonlySet<ShipshapeErrorCode> = new Set(['SHIPSHAPE_USAGE', 'SHIPSHAPE_CONFIG', 'SHIPSHAPE_DRIVER_MISSING', 'SHIPSHAPE_INVALID_OPTION']);

type Flags = ReturnType<typeof parseFlags<typeof FLAGS>>['values'];

type Plan =
  | { readonly kind: 'hooks'; readonly updatePassword: boolean; readonly validate: boolean }
  | { readonly kind: 'table' | 'django'; readonly table: SqlTable; readonly hasher: HasherName; readonly iterations: number | undefined; readonly updatePassword: boolean; readonly validate: boolean };

type Outcome = { readonly outcome: 'created' | 'exists' | 'updated' } | { readonly outcome: 'rejected'; readonly reasons: readonly string[] };

/** Which store the flags name, checked before anything is read or opened. */
function planStore(flags: Flags): Plan {
  const common = { updatePassword: flags['update-password'] === true, validate: flags['no-validate'] !== true };
  const tableFlags = (['table', 'username-field', 'email-field', 'password-field', 'set'] as const).filter((name) => flags[name] !== undefined);
  const iterations = flags.iterations === undefined ? undefined : positiveInteger('iterations', flags.iterations);
  if (flags.preset !== undefined && flags.preset !== 'django') throw new UsageError(`--preset must be django, got ${JSON.stringify(flags.preset)}`);
  if (flags.preset === 'django') {
    if (flags.hasher !== undefined) throw new UsageError('--preset django hashes with pbkdf2_sha256, as Django does: leave out --hasher');
    const table = sqlTable(flags, { ...DJANGO_TABLE, emailDefault: '', set: djangoColumns() });
    return { kind: 'django', table, hasher: 'pbkdf2_sha256', iterations: iterations ?? DJANGO_ITERATIONS, ...common };
  }
  if (flags.table === undefined) {
    if (tableFlags.length > 0 || flags.hasher !== undefined) throw new UsageError(`--${tableFlags[0] ?? 'hasher'} needs --table (or --preset django)`);
    if (iterations !== undefined) throw new UsageError('--iterations needs --hasher pbkdf2_sha256 or --preset django');
    if (flags.database !== undefined) throw new UsageError('--database needs --table or --preset django (the config\'s `admin` hooks use the app\'s own connection)');
    return { kind: 'hooks', ...common };
  }
  if (flags.hasher === undefined) throw new UsageError(`--table needs --hasher (${HASHER_NAMES.join(', ')}): the one the app's login verifies`);
  if (!(HASHER_NAMES as readonly string[]).includes(flags.hasher)) throw new UsageError(`--hasher must be one of ${HASHER_NAMES.join(', ')}, got ${JSON.stringify(flags.hasher)}`);
  if (iterations !== undefined && flags.hasher !== 'pbkdf2_sha256') throw new UsageError('--iterations goes with --hasher pbkdf2_sha256 only');
  const table = sqlTable(flags, { table: flags.table, usernameField: DEFAULTS.usernameField, emailField: DEFAULTS.emailField, passwordField: DEFAULTS.passwordField, set: [] });
  return { kind: 'table', table, hasher: flags.hasher as HasherName, iterations, ...common };
}

/** The preset's (or the defaults') table with the flags' overrides, checked. */
function sqlTable(flags: Flags, base: SqlTable): SqlTable {
  const set = (flags.set ?? []).map((pair): readonly [string, string] => {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new UsageError('--set takes COLUMN=VALUE');
    return [pair.slice(0, equals), pair.slice(equals + 1)];
  });
  const table: SqlTable = {
    ...base,
    table: flags.table ?? base.table,
    usernameField: flags['username-field'] ?? base.usernameField,
    emailField: flags['email-field'] ?? base.emailField,
    passwordField: flags['password-field'] ?? base.passwordField,
    // a --set column replaces the preset's value for it
    set: [...base.set.filter(([column]) => !set.some(([name]) => name.toLowerCase() === column.toLowerCase())), ...set],
  };
  checkSqlTable(table);
  return table;
}

function positiveInteger(flag: string, value: string): number {
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < 1) throw new UsageError(`--${flag} must be a positive whole number, got ${JSON.stringify(value)}`);
  return number;
}

/** The store of the plan, opened lazily (a SQL client connects on its first query). */
async function openStore(plan: Plan, hasher: PasswordHasher | undefined, databaseFlag: string | undefined, loaded: LoadedConfig, io: CliIO): Promise<{ store: AdminStore; target?: string }> {
  if (plan.kind === 'hooks') {
    const hooks: AdminHooks | undefined = loaded.config.admin;
    if (!hooks) throw new UsageError('no store: pass --table … --hasher …, or --preset django, or define `admin` in shipshape.config.*');
    if (plan.updatePassword && !hooks.setPassword) throw new ConfigError(`${loaded.file}: --update-password needs \`admin.setPassword\``);
    return { store: hooksStore(hooks) };
  }
  const url = databaseUrl(databaseFlag, loaded, io);
  const dialect = SQL_URL_SCHEMES[schemeOf(url) ?? '']?.dialect;
  if (dialect !== 'postgres' && dialect !== 'mysql') throw new UsageError('ensureadmin needs a postgres://, postgresql://, mysql:// or mariadb:// database URL');
  try {
    parseSqlUrl('ensureadmin', dialect, url, dialect === 'mysql');
  } catch (error) {
    throw new UsageError(toReason(error).replace('`ensureadmin()`', '--database'), { cause: error });
  }
  // no reconnecting: a transaction (and its lock) lost with its connection must fail, not
  // carry on in autocommit on a new one
  const client = createSqlClient(url, { applicationName: `shipshape ensureadmin ${process.pid}`, reopen: false });
  return { store: sqlStore(client, plan.table, hasher!), target: client.target };
}

/** The decision, in order: exists? → (validate) → create or update. */
async function ensure(store: AdminStore, user: AdminValues, plan: Plan, hasher: PasswordHasher | undefined, signal: AbortSignal): Promise<Outcome> {
  const exists = await store.exists(user.username, signal);
  if (exists && !plan.updatePassword) return { outcome: 'exists' };
  const reasons = [...(plan.validate ? passwordProblems(user.password, user) : []), ...[hasher?.refuse(user.password)].filter((reason) => reason !== undefined)];
  if (reasons.length > 0) return { outcome: 'rejected', reasons };
  const admin = { username: user.username, email: user.email, password: user.password };
  if (!exists && (await store.create(admin, signal))) return { outcome: 'created' };
  if (!plan.updatePassword) return { outcome: 'exists' };
  return (await store.setPassword(admin, signal)) ? { outcome: 'updated' } : { outcome: 'exists' };
}
