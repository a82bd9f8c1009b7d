/**
 * `preset: 'django'` (`ensureadmin --preset django`): the superuser Django's own `createsuperuser` would make,
 * written straight into `auth_user` (or a custom user model's table, with `--table`), so
 * that Django's login accepts it without running Python in the Job.
 *
 * What Django does, and this does too (django.contrib.auth.models.UserManager.
 * create_superuser and AbstractBaseUser): the username NFKC-normalized
 * (`normalize_username`), the email's domain lowercased (`normalize_email`, `''` when
 * there is none), `is_superuser`, `is_staff` and `is_active` true, `first_name` and
 * `last_name` `''`, `date_joined` now, `last_login` left NULL, and a
 * `pbkdf2_sha256$<iterations>$<salt>$<hash>` password at the current Django's iterations.
 */
import type { AdminUser } from '../../core/config.js';
import { InvalidOptionError } from '../../core/errors.js';
import type { SqlDialectName } from '../../core/internal/sql/url.js';
import type { SqlTable } from './sql-store.js';

/** The table and columns of `django.contrib.auth.models.User`. */
export const DJANGO_TABLE = { table: 'auth_user', usernameField: 'username', emailField: 'email', passwordField: 'password' } as const;

/** Django's `AbstractUser.username` max_length. */
const USERNAME_MAX = 150;

/** The columns Django's create_superuser sets besides username, email and password. */
export function djangoColumns(): SqlTable['set'] {
  return [
    ['is_superuser', true],
    ['is_staff', true],
    ['is_active', true],
    ['first_name', ''],
    ['last_name', ''],
    ['date_joined', djangoNow],
  ];
}

/**
 * The values as Django would store them: NFKC username, normalized email.
 *
 * @throws InvalidOptionError when the username is not one Django's UnicodeUsernameValidator accepts
 *   (letters, digits and `@ . + - _`, at most 150 characters).
 */
export function djangoValues<T extends AdminUser>(values: T): T {
  const username = values.username.normalize('NFKC');
  if (!/^[\p{L}\p{N}_.@+-]+$/u.test(username) || [...username].length > USERNAME_MAX) {
    throw new InvalidOptionError(`the username is not one Django accepts: letters, digits and @ . + - _ only, at most ${USERNAME_MAX} characters`);
  }
  return { ...values, username, email: values.email === undefined ? undefined : normalizeEmail(values.email) };
}

// --- internal ---

/** BaseUserManager.normalize_email: the part after the last `@` lowercased. */
function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  return at < 0 ? trimmed : `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}

/**
 * `date_joined` = now, in UTC: PostgreSQL's `timestamp with time zone` takes an ISO string
 * with its `Z`; MySQL's `datetime(6)` has no zone and Django (USE_TZ, the default) stores
 * UTC in it, so it gets `YYYY-MM-DD HH:MM:SS.ffffff` in UTC.
 */
function djangoNow(dialect: SqlDialectName): string {
  const iso = new Date().toISOString();
  return dialect === 'mysql' ? iso.replace('T', ' ').replace('Z', '') : iso;
}
