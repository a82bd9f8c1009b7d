/**
 * Database URLs for the SQL client and checks: which schemes exist, which dialect each one
 * means, and how to parse one without ever echoing its password.
 *
 * The scheme → dialect table lives here, once, so that the checks, `database(url)`, the SQL
 * client and the CLI (`DATABASE_URL` → `postgres`/`mysql`/`sqlite` by scheme) agree.
 */
import { InvalidOptionError } from '../../errors.js';
import { registerSecret, registerUrlSecrets } from '../../redact.js';
import { safeDecode } from '../url.js';

/** The SQL checks a URL can be built into. */
export type SqlDialectName = 'postgres' | 'mysql' | 'sqlite';

/** What a URL scheme means: the dialect (and check) that serves it. */
export interface SqlScheme {
  readonly dialect: SqlDialectName;
}

/**
 * Scheme (with its colon, lower case) → dialect. `mariadb://` is served by `mysql2` with the
 * same URL parts: MariaDB speaks the MySQL protocol. Each dialect's driver package is named
 * in its file (`pg.ts`, `mysql.ts`, `sqlite.ts`).
 */
export const SQL_URL_SCHEMES: Readonly<Record<string, SqlScheme>> = Object.freeze({
  'postgres:': { dialect: 'postgres' },
  'postgresql:': { dialect: 'postgres' },
  'mysql:': { dialect: 'mysql' },
  'mariadb:': { dialect: 'mysql' },
  'sqlite:': { dialect: 'sqlite' },
  'file:': { dialect: 'sqlite' },
});

/** The scheme of `text` (`"postgres:"`), lower case, or `undefined` when it has none. */
export function schemeOf(text: string): string | undefined {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(text);
  // "C:\data\app.db" is a Windows path, not a URL with scheme "c:"
  return match?.[1] && match[1].length > 1 ? `${match[1].toLowerCase()}:` : undefined;
}

/** The schemes that serve `dialect`, for error messages: "postgres:// or postgresql://". */
export function schemesFor(dialect: SqlDialectName): string {
  const names = Object.entries(SQL_URL_SCHEMES)
    .filter(([, scheme]) => scheme.dialect === dialect)
    .map(([name]) => `${name}//`);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? '');
}

/**
 * Checks that `url` is a URL for the `dialect` check and registers its secrets for
 * redaction. With `strict`, it must also parse as a WHATWG URL (drivers that use
 * `new URL()`); PostgreSQL URLs are looser (`postgres://user@/db?host=/socket` has an
 * empty host), and `pg` parses them itself.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when the scheme belongs to
 * another check or a strict URL does not parse; the message names the accepted schemes and
 * shows only the received scheme, never the URL (it may hold a password).
 */
export function parseSqlUrl(check: string, dialect: SqlDialectName, url: string, strict = true): void {
  registerUrlSecrets(url);
  registerUserInfoPassword(url);
  const scheme = schemeOf(url);
  const accepted = schemesFor(dialect);
  if (!scheme || SQL_URL_SCHEMES[scheme]?.dialect !== dialect) {
    const got = scheme ? `a \`${scheme}//\` URL` : 'a string that is not a URL';
    throw new InvalidOptionError(`Expected \`${check}()\` to get a client or a ${accepted} URL, got ${got}`);
  }
  if (strict && !URL.canParse(url)) {
    throw new InvalidOptionError(`Expected \`${check}()\` to get a valid ${accepted} URL, got one that does not parse`);
  }
}

/**
 * The file path of an SQLite URL: `file:` URLs as Node reads them (`file:///var/app.db`),
 * plus the relative form Prisma uses (`file:./dev.db`); `sqlite:` URLs keep whatever
 * follows `sqlite:` and an optional `//` (`sqlite:///var/app.db` → `/var/app.db`,
 * `sqlite:./app.db` → `./app.db`). Query strings are dropped.
 */
export function sqlitePathFromUrl(url: string): string {
  const scheme = schemeOf(url);
  const rest = url.slice(scheme?.length ?? 0).replace(/[?#].*$/, '');
  if (scheme === 'file:' && rest.startsWith('//')) return process.getBuiltinModule('node:url').fileURLToPath(url.replace(/[?#].*$/, ''));
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  return safeDecode(path);
}

// `new URL()` rejects some valid libpq URLs (an empty host), so registerUrlSecrets() would
// miss their password: take it from the user-info by hand.
function registerUserInfoPassword(url: string): void {
  const userInfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url)?.[1];
  const colon = userInfo?.indexOf(':') ?? -1;
  if (userInfo === undefined || colon < 0) return;
  const password = userInfo.slice(colon + 1);
  registerSecret(password);
  registerSecret(safeDecode(password));
}
