/**
 * `shipshape ensureadmin`: creates the admin user in a Job, once, however many Jobs run.
 *
 * The shell of `ensureAdmin` (src/jobs/admin): this file reads the flags, the values (flags,
 * `ADMIN_*`, their `_FILE` twins: `_admin-values.ts`) and the config's `admin` hooks,
 * calls the job with messages in the flags' words, and prints what it did.
 */
import { ConfigError, UsageError, WeakPasswordError } from '../../core/errors.js';
import { DEFAULTS as JOB_DEFAULTS, DJANGO_ITERATIONS, ensureAdminWith, HASHER_NAMES, planStore, type EnsureAdminOptions, type HasherName, type OptionWords } from '../../jobs/admin/index.js';
import { databaseUrl, loadConfig } from '../_config.js';
import { parseFlags, seconds } from '../_flags.js';
import type { CliIO } from '../_io.js';
import { adminValues, DJANGO_PREFIXES } from './_admin-values.js';

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
    --username-field COL  (default: ${JOB_DEFAULTS.usernameField})
    --email-field COL     (default: ${JOB_DEFAULTS.emailField})
    --password-field COL  (default: ${JOB_DEFAULTS.passwordField})
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
  --timeout SEC           give up after SEC seconds (default: ${JOB_DEFAULTS.timeoutMs / 1000})

Exit codes: 0 created or already there, 1 weak password or database failure, 2 usage or
configuration error.
`;

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { values: flags } = parseFlags(argv, FLAGS);
  const options = storeOptions(flags);
  const plan = planStore(options, WORDS);
  const timeoutMs = seconds('timeout', flags.timeout, JOB_DEFAULTS.timeoutMs / 1000);
  const user = adminValues(flags, io, plan.kind === 'django' ? DJANGO_PREFIXES : ['ADMIN']);
  if (user.passwordFromFlag) {
    io.stderr.write('shipshape ensureadmin: warning: a password given with -p/--password is visible to other processes (ps, /proc); prefer ADMIN_PASSWORD_FILE\n');
  }
  const loaded = await loadConfig(io, flags.config);
  const hooks = plan.kind === 'hooks' ? loaded.config.admin : undefined;
  if (hooks && plan.updatePassword && !hooks.setPassword) throw new ConfigError(`${loaded.file}: --update-password needs \`admin.setPassword\``);
  const database = plan.kind === 'hooks' ? undefined : databaseUrl(flags.database, loaded, io);
  try {
    const { created, updated } = await ensureAdminWith({ ...options, username: user.username, password: user.password, email: user.email, hooks, database, timeoutMs }, WORDS);
    io.stdout.write(`${created ? OUTCOMES.created : updated ? OUTCOMES.updated : OUTCOMES.exists}\n`);
    return 0;
  } catch (error) {
    if (error instanceof WeakPasswordError) {
      io.stderr.write(`shipshape ensureadmin: password rejected: ${error.reasons.join('; ')}\n`);
      return 1;
    }
    // usage, config and setup errors (a missing driver) keep their exit 2, from cli.ts
    if (SETUP_ERRORS.has((error as { code?: string }).code ?? '')) throw error;
    io.stderr.write(`shipshape ensureadmin: ${(error as Error).message}\n`);
    return 1;
  }
}

// --- internal ---

const SETUP_ERRORS: ReadonlySet<string> = new Set(['SHIPSHAPE_USAGE', 'SHIPSHAPE_CONFIG', 'SHIPSHAPE_DRIVER_MISSING', 'SHIPSHAPE_INVALID_OPTION']);

/** The job's messages in the flags' words. */
const WORDS: OptionWords = {
  table: '--table',
  usernameField: '--username-field',
  emailField: '--email-field',
  passwordField: '--password-field',
  set: '--set',
  setForm: '--set takes COLUMN=VALUE',
  hasher: '--hasher',
  preset: '--preset',
  iterations: '--iterations',
  database: '--database',
  presetDjango: '--preset django',
  hasherPbkdf2: '--hasher pbkdf2_sha256',
  hooks: "the config's `admin` hooks",
  noStore: 'pass --table … --hasher …, or --preset django, or define `admin` in shipshape.config.*',
  subject: 'ensureadmin',
};

type Flags = ReturnType<typeof parseFlags<typeof FLAGS>>['values'];

/** The store's options from the flags (`--set COL=VALUE` as pairs, `--iterations` as a number). */
function storeOptions(flags: Flags): Omit<EnsureAdminOptions, 'username' | 'password'> {
  // a malformed pair is the job's to refuse, in its turn (after the store flags that go together)
  const set = flags.set?.map((pair) => {
    const equals = pair.indexOf('=');
    return (equals <= 0 ? [pair, undefined] : [pair.slice(0, equals), pair.slice(equals + 1)]) as [string, string];
  });
  return {
    table: flags.table,
    usernameField: flags['username-field'],
    emailField: flags['email-field'],
    passwordField: flags['password-field'],
    set,
    hasher: flags.hasher as HasherName | undefined,
    preset: flags.preset as 'django' | undefined,
    iterations: flags.iterations === undefined ? undefined : positiveInteger('iterations', flags.iterations),
    database: flags.database,
    updatePassword: flags['update-password'] === true,
    validate: flags['no-validate'] !== true,
  };
}

function positiveInteger(flag: string, value: string): number {
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < 1) throw new UsageError(`--${flag} must be a positive whole number, got ${JSON.stringify(value)}`);
  return number;
}
