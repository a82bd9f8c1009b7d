/**
 * The admin user in a SQL table (`table`, and `preset: 'django'`'s `auth_user`), on
 * PostgreSQL or MySQL/MariaDB.
 *
 * Identifiers (table, columns) are checked against a strict pattern and quoted; every value
 * goes as a query parameter, never into the text.
 *
 * Creating is atomic without relying on the table's constraints: the existence check and
 * the insert run under a lock keyed by table and username (PostgreSQL
 * `pg_advisory_xact_lock` inside a transaction, released at its end; MySQL `GET_LOCK`,
 * released by `RELEASE_LOCK` or when the session ends), so that twenty Jobs at once make
 * one row even when the username column has no unique index. Where it has one, a writer
 * that does not take the lock (the app itself) is covered too: PostgreSQL's insert is
 * `ON CONFLICT DO NOTHING`, and MySQL's duplicate-key error counts as "exists". MySQL's
 * `INSERT IGNORE` is avoided on purpose: it also turns a missing NOT NULL value or a
 * truncated string into a warning and inserts a wrong row.
 */
import { InvalidOptionError, ShipshapeError } from '../../core/errors.js';
import { describe } from '../../core/options.js';
import type { SqlClient } from '../../core/internal/sql/client.js';
import type { SqlDialectName } from '../../core/internal/sql/url.js';
import type { OptionWords } from './options.js';
import type { AdminStore, AdminUser } from './store.js';
import type { PasswordHasher } from './hashers/hasher.js';

/** A column value: fixed, or computed for the dialect at insert time (`date_joined`). */
export type ColumnValue = string | boolean | number | ((dialect: SqlDialectName) => string | boolean | number);

/** Which table and columns hold the admin user. */
export interface SqlTable {
  /** `users` or `schema.users`. */
  readonly table: string;
  readonly usernameField: string;
  readonly emailField: string;
  readonly passwordField: string;
  /** An email to store when none is given (Django's `''`); `undefined` leaves the column out. */
  readonly emailDefault?: string | undefined;
  /** More columns to set on insert (`set: { role: 'admin' }`, Django's flags). */
  readonly set: ReadonlyArray<readonly [column: string, value: ColumnValue]>;
}

/** Letters, digits, `_` and `$`, not starting with a digit, at most 63 characters (PostgreSQL's limit; MySQL's is 64). */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/** How long a run waits for another run's lock on the same user before failing. */
const LOCK_WAIT_SECONDS = 30;

/**
 * Checks every identifier of `table` and that no column is named twice.
 *
 * @throws InvalidOptionError naming the option (in `words`) and the identifier.
 */
export function checkSqlTable(table: SqlTable, words: Pick<OptionWords, 'table' | 'usernameField' | 'emailField' | 'passwordField' | 'set'>): void {
  const parts = typeof table.table === 'string' ? table.table.split('.') : [];
  if (parts.length === 0 || parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) throw badIdentifier(words.table, table.table, ' (schema.table allowed)');
  const columns: Array<[string, string]> = [
    [words.usernameField, table.usernameField],
    [words.emailField, table.emailField],
    [words.passwordField, table.passwordField],
    ...table.set.map(([column]): [string, string] => [words.set, column]),
  ];
  const seen = new Set<string>();
  for (const [option, column] of columns) {
    if (typeof column !== 'string' || !IDENTIFIER.test(column)) throw badIdentifier(option, column);
    if (seen.has(column.toLowerCase())) throw new InvalidOptionError(`the column ${JSON.stringify(column)} is named twice (${option})`);
    seen.add(column.toLowerCase());
  }
}

/** A store over `client` that hashes passwords with `hasher`. Check `table` first ({@link checkSqlTable}). */
export function sqlStore(client: SqlClient, table: SqlTable, hasher: PasswordHasher): AdminStore {
  const dialect = client.dialect;
  if (dialect === 'sqlite') throw new InvalidOptionError('ensureadmin writes to PostgreSQL or MySQL/MariaDB, not SQLite');
  const q = (name: string): string => quote(dialect, name);
  const p = (index: number): string => (dialect === 'postgres' ? `$${index}` : '?');
  const from = table.table.split('.').map(q).join('.');
  const existsSql = `SELECT 1 AS found FROM ${from} WHERE ${q(table.usernameField)} = ${p(1)} LIMIT 1`;
  const exists = async (username: string, signal: AbortSignal): Promise<boolean> => (await client.query(existsSql, [username], signal)).rows.length > 0;

  async function insert(user: AdminUser, signal: AbortSignal): Promise<boolean> {
    const email = user.email ?? table.emailDefault;
    const columns: Array<[string, unknown]> = [
      [table.usernameField, user.username],
      ...(email === undefined ? [] : [[table.emailField, email] as [string, unknown]]),
      [table.passwordField, await hasher.hash(user.password)],
      ...table.set.map(([column, value]): [string, unknown] => [column, typeof value === 'function' ? value(dialect) : value]),
    ];
    const sql = `INSERT INTO ${from} (${columns.map(([column]) => q(column)).join(', ')}) VALUES (${columns.map((_, index) => p(index + 1)).join(', ')})`;
    const values = columns.map(([, value]) => value);
    return dialect === 'postgres' ? insertPostgres(sql, values, user.username, signal) : insertMysql(sql, values, user.username, signal);
  }

  async function insertPostgres(sql: string, values: unknown[], username: string, signal: AbortSignal): Promise<boolean> {
    await client.query('BEGIN', [], signal);
    try {
      // the lock waits in the database, bounded by lock_timeout, and is released at COMMIT or ROLLBACK
      await client.query(`SET LOCAL lock_timeout = '${LOCK_WAIT_SECONDS}s'`, [], signal);
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey(from, username).bigint], signal);
      if (await exists(username, signal)) {
        await client.query('ROLLBACK', [], signal);
        return false;
      }
      const { rowCount } = await client.query(`${sql} ON CONFLICT DO NOTHING`, values, signal);
      await client.query('COMMIT', [], signal);
      return rowCount > 0;
    } catch (error) {
      await client.query('ROLLBACK', [], signal).catch(() => {});
      throw error;
    }
  }

  async function insertMysql(sql: string, values: unknown[], username: string, signal: AbortSignal): Promise<boolean> {
    const name = lockKey(from, username).name;
    const { rows } = await client.query<{ locked: unknown }>('SELECT GET_LOCK(?, ?) AS locked', [name, LOCK_WAIT_SECONDS], signal);
    if (Number(rows[0]?.locked) !== 1) throw new ShipshapeError(`another ensureadmin held the lock on this user for ${LOCK_WAIT_SECONDS} s`);
    try {
      if (await exists(username, signal)) return false;
      try {
        await client.query(sql, values, signal);
        return true;
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ER_DUP_ENTRY') return false;
        throw error;
      }
    } finally {
      await client.query('SELECT RELEASE_LOCK(?)', [name], signal).catch(() => {});
    }
  }

  return {
    exists,
    create: insert,
    async setPassword(user, signal) {
      const hash = await hasher.hash(user.password);
      const { rowCount } = await client.query(`UPDATE ${from} SET ${q(table.passwordField)} = ${p(1)} WHERE ${q(table.usernameField)} = ${p(2)}`, [hash, user.username], signal);
      return rowCount > 0;
    },
    close: () => client.close(),
  };
}

// --- internal ---

function quote(dialect: SqlDialectName, name: string): string {
  // the pattern leaves no quote character to escape; quoting keeps reserved words and case
  return dialect === 'mysql' ? `\`${name}\`` : `"${name}"`;
}

function badIdentifier(option: string, value: unknown, extra = ''): InvalidOptionError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : describe(value);
  return new InvalidOptionError(`${option} ${shown} is not a plain SQL identifier: letters, digits, _ and $, not starting with a digit, at most 63 characters${extra}`);
}

/**
 * The lock of one user in one table: a signed 64-bit PostgreSQL advisory key and a MySQL
 * lock name (at most 64 characters), both from SHA-256 of table and username, so that
 * runs for other users or tables never wait for each other.
 */
function lockKey(table: string, username: string): { bigint: string; name: string } {
  const digest = process.getBuiltinModule('node:crypto').createHash('sha256').update(`shipshape:ensureadmin\0${table}\0${username}`).digest();
  return { bigint: digest.readBigInt64BE(0).toString(), name: `shipshape:ensureadmin:${digest.toString('hex').slice(0, 40)}` };
}
