/**
 * Where `ensureadmin` takes the username, password and email from: a flag, else
 * `ADMIN_<NAME>`, else `ADMIN_<NAME>_FILE` (a mounted Secret), else, for `--preset django`,
 * Django's own `DJANGO_SUPERUSER_<NAME>` (and its `_FILE` twin).
 *
 * The `_FILE` convention is the official database images' (postgres, mysql, mariadb:
 * `file_env` in their docker-entrypoint.sh): a variable and its `_FILE` twin both set is an
 * error naming both, and an empty variable counts as unset. One trailing newline (`\n` or
 * `\r\n`) is trimmed from a file, the one `echo` and editors add; anything else is kept,
 * since a password may well end in a space.
 */
import { ConfigError, UsageError } from '../../core/errors.js';
import { registerSecret } from '../../core/redact.js';
import { checkEmail } from '../../jobs/admin/index.js';
import type { CliIO } from '../_io.js';

/** The environment prefixes `--preset django` reads, in order: shipshape's, then Django's own. */
export const DJANGO_PREFIXES = ['ADMIN', 'DJANGO_SUPERUSER'] as const;

/** The admin user as the command line gave it. */
export interface AdminValues {
  readonly username: string;
  readonly password: string;
  readonly email: string | undefined;
  /** The password came from `-p`/`--password` (and is visible to other processes). */
  readonly passwordFromFlag: boolean;
}

/** The flags that carry the values. */
export interface AdminFlags {
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly email?: string | undefined;
}

/**
 * Reads the three values. The password is registered for redaction at once, so that no
 * message can carry it, whatever a driver puts in its errors.
 *
 * @throws UsageError (exit 2) when the username or password is missing, naming the flag and
 *   the variables; ConfigError (exit 2) when a variable and its `_FILE` twin are both set,
 *   or a `_FILE` cannot be read.
 */
export function adminValues(flags: AdminFlags, io: Pick<CliIO, 'env' | 'cwd'>, prefixes: readonly string[] = ['ADMIN']): AdminValues {
  const username = flags.username || fromEnvironment('USERNAME', prefixes, io);
  const password = flags.password || fromEnvironment('PASSWORD', prefixes, io);
  const email = flags.email || fromEnvironment('EMAIL', prefixes, io);
  registerSecret(password);
  const missing: string[] = [];
  if (!username) missing.push(`username (-u/--username, or ${variablesFor('USERNAME', prefixes)})`);
  if (!password) missing.push(`password (-p/--password, or ${variablesFor('PASSWORD', prefixes)})`);
  if (missing.length > 0) throw new UsageError(`no admin ${missing.join(', and no ')}`);
  if (email !== undefined) checkEmail(email);
  return { username: username!, password: password!, email, passwordFromFlag: Boolean(flags.password) };
}

// --- internal ---

function fromEnvironment(name: string, prefixes: readonly string[], io: Pick<CliIO, 'env' | 'cwd'>): string | undefined {
  for (const prefix of prefixes) {
    const variable = `${prefix}_${name}`;
    const value = io.env[variable] || undefined;
    const file = io.env[`${variable}_FILE`] || undefined;
    if (value !== undefined && file !== undefined) throw new ConfigError(`both ${variable} and ${variable}_FILE are set: set only one of them`);
    if (value !== undefined) return value;
    if (file !== undefined) return readSecretFile(`${variable}_FILE`, file, io.cwd) || undefined;
  }
  return undefined;
}

function readSecretFile(variable: string, file: string, cwd: string): string {
  const path = process.getBuiltinModule('node:path');
  try {
    const text = process.getBuiltinModule('node:fs').readFileSync(path.resolve(cwd, file), 'utf8');
    return text.replace(/\r?\n$/u, '');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // "…_FILE: …" would read as a `password: value` pair to redact(): name the variable after
    throw new ConfigError(`cannot read ${file}${typeof code === 'string' ? ` (${code})` : ''}, named by ${variable}`, { cause: error });
  }
}

function variablesFor(name: string, prefixes: readonly string[]): string {
  const names = prefixes.flatMap((prefix) => [`${prefix}_${name}`, `${prefix}_${name}_FILE`]);
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}
