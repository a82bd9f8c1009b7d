/**
 * Redaction of secrets from every string shipshape prints, returns or logs.
 *
 * Failure reasons come from drivers, and drivers happily put connection strings,
 * passwords and tokens into their error messages. Everything that leaves shipshape goes
 * through {@link redact} first.
 */
import { safeDecode } from './internal/url.js';

const REDACTED = '***';

// scheme://user:password@host → scheme://***@host. The user-info may itself contain an
// unencoded "@", so match up to the last "@" before the path (RFC 3986 §3.2.1).
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;
// password=…, pwd: …, "token":"…", api_key=… (query strings, DSNs, JSON, logfmt)
const SECRET_PAIR =
  /\b([\w.-]*(?:password|passwd|pwd|token|secret|api[_-]?key)[\w.-]*)(["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;,)}\]]+)/gi;
// Authorization header values
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[\w.~+/=-]+/g;

const secrets = new Set<string>();

/**
 * Redacts URL credentials, `password=`/`pwd=`/`token=`/`secret=` pairs, `Bearer …` tokens
 * and every secret registered with {@link registerSecret} from `text`.
 *
 * @example
 * ```ts
 * import { redact } from 'shipshape';
 * redact('connect postgres://app:hunter2@db:5432/app failed'); // 'connect postgres://***@db:5432/app failed'
 * ```
 */
export function redact(text: string): string {
  let out = text
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(SECRET_PAIR, (_, key: string, sep: string, value: string) => `${key}${sep}${quoted(value, REDACTED)}`)
    .replace(AUTH_SCHEME, `$1 ${REDACTED}`);
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * Registers a literal secret (a password taken from a URL a check was built from) so that
 * {@link redact} removes it wherever a driver echoes it. Values shorter than 4 characters
 * are ignored: redacting them would garble ordinary text.
 *
 * @example
 * ```ts
 * import { registerSecret, redact } from 'shipshape';
 * registerSecret('s3cr3t-pw');
 * redact('auth failed for s3cr3t-pw'); // 'auth failed for ***'
 * ```
 */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length >= 4) secrets.add(value);
}

/**
 * Registers the password (raw and percent-decoded) and any secret-looking query
 * parameter of a connection URL with {@link registerSecret}.
 *
 * @example
 * ```ts
 * import { registerUrlSecrets } from 'shipshape';
 * registerUrlSecrets('postgres://app:hunter22@db/app');
 * ```
 */
export function registerUrlSecrets(url: string | URL): void {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return;
  }
  registerSecret(parsed.password);
  registerSecret(safeDecode(parsed.password));
  for (const [key, value] of parsed.searchParams) {
    if (/password|passwd|pwd|token|secret|key/i.test(key)) registerSecret(value);
  }
}

/** Keeps the quotes of a quoted value: `"abc"` → `"***"`. */
function quoted(value: string, replacement: string): string {
  const quote = value[0];
  return quote === '"' || quote === "'" ? `${quote}${replacement}${quote}` : replacement;
}
