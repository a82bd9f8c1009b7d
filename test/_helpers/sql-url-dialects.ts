/**
 * The per-dialect table of the SQL URL matrix (describe-sql-url-check.ts): how to build
 * each check's URLs, see its connections from the server's side, and what its server says
 * to bad credentials. One row per dialect, as kysely's `DIALECTS`.
 */
import { mysql } from '../../src/checks/mysql.js';
import { postgres } from '../../src/checks/postgres.js';
import type { CheckSpec } from '../../src/core/check.js';
import { MYSQL_URL, POSTGRES_URL } from './services.js';
import { MYSQL_CHECK_USER, mysqlAdmin, pgAdmin, type SqlAdmin } from './sql-admin.js';

export type SqlUrlDialectName = 'postgres' | 'mysql';

/** A check built from a URL: it owns its connection, so it has `close()`. */
export type UrlCheck = CheckSpec & { close(): Promise<void> };

/** The parts of a URL a scenario changes; the rest comes from the dialect's test URL. */
export interface UrlParts {
  readonly scheme?: string;
  readonly user?: string;
  readonly password?: string;
  readonly database?: string;
  /** A port on 127.0.0.1 (a refused port, a blackhole, a proxy) instead of the server's. */
  readonly port?: number;
}

/** The server's side of a check's connections: find them, kill them (a restart, a failover). */
export interface SqlServerView extends SqlAdmin {
  /** A check whose connections carry `tag` and no other connection does. */
  tagged(): Promise<{ readonly check: UrlCheck; readonly tag: string }>;
}

export interface SqlUrlDialect {
  /** How `requireService` names the server. */
  readonly service: string;
  /** The server's port, and what the silent proxy forwards to. */
  readonly port: number;
  /** The check's driver package, imported before the timings start. */
  readonly driver: string;
  readonly check: (url: string) => UrlCheck;
  /** Every scheme the check takes, first the usual one. */
  readonly schemes: readonly string[];
  /** URLs the check refuses at construction (another scheme, no scheme, one that does not parse), each with {@link SECRET}. */
  readonly refusedUrls: readonly string[];
  readonly url: (parts?: UrlParts) => string;
  readonly server: () => Promise<SqlServerView>;
  /** The reason for a user the server does not know. */
  readonly unknownUser: RegExp;
  /** A user with a password the server checks (or, trusting local connections, ignores). */
  readonly login: { readonly user: string; readonly password: string };
  /** The reason for a database the server does not have, given to {@link login}. */
  readonly unknownDatabase: RegExp;
  /**
   * The reason for {@link login} with a wrong password. The PostgreSQL of the tests trusts
   * local connections (it checks no password), so only MySQL has this scenario.
   */
  readonly wrongPassword?: RegExp;
}

/** A password that must never show in a reason. */
export const SECRET = 'pw-Zx9-secret';

let serial = 0;

/** `base` with `parts` changed; a port means 127.0.0.1, where the test's sockets listen. */
function urlFrom(base: string, parts: UrlParts = {}): string {
  const url = new URL(base);
  if (parts.scheme !== undefined) url.protocol = parts.scheme;
  if (parts.user !== undefined) url.username = parts.user;
  if (parts.password !== undefined) url.password = parts.password;
  if (parts.database !== undefined) url.pathname = `/${parts.database}`;
  if (parts.port !== undefined) {
    url.hostname = '127.0.0.1';
    url.port = String(parts.port);
  }
  return url.href;
}

export const DIALECTS: Readonly<Record<SqlUrlDialectName, SqlUrlDialect>> = {
  postgres: {
    service: 'postgres',
    port: 5432,
    driver: 'pg',
    check: (url) => postgres(url) as UrlCheck,
    schemes: ['postgres:', 'postgresql:'],
    // pg parses its URLs itself, loosely (postgres://user@/db?host=/socket): none is refused for not parsing
    refusedUrls: [`mysql://root:${SECRET}@db/test`, `http://u:${SECRET}@x`, 'localhost:5432'],
    url: (parts) => urlFrom(POSTGRES_URL, parts),
    async server() {
      const admin = await pgAdmin();
      // a distinct application_name per check: server-side assertions see only its connection
      const tagged = async () => {
        const tag = `shipshape-t${process.pid}-${(serial += 1)}`;
        return { check: postgres(POSTGRES_URL, { applicationName: tag }) as UrlCheck, tag };
      };
      return { ...admin, tagged };
    },
    unknownUser: /role "nobody_here" does not exist/,
    login: { user: 'postgres', password: SECRET },
    unknownDatabase: /database "no_such_db_here" does not exist/,
  },
  mysql: {
    service: 'mariadb',
    port: 3306,
    driver: 'mysql2',
    check: (url) => mysql(url) as UrlCheck,
    schemes: ['mysql:', 'mariadb:'],
    refusedUrls: [`postgres://u:${SECRET}@db/x`, `mysql://u:${SECRET}@db:99999/x`, '127.0.0.1:3306'],
    url: (parts) => urlFrom(MYSQL_URL, parts),
    async server() {
      const admin = await mysqlAdmin();
      await admin.ensureCheckUser();
      // the tests' own user: its connections are the check's
      const tagged = async () => ({ check: mysql(await admin.ensureCheckUser()) as UrlCheck, tag: MYSQL_CHECK_USER.user });
      return { ...admin, tagged };
    },
    unknownUser: /Access denied for user 'nobody_here'/,
    // MariaDB tells only a user with rights on every database that one does not exist
    login: MYSQL_CHECK_USER,
    unknownDatabase: /Access denied for user 'shipshape_sqlchk'@'[^']+' to database 'no_such_db_here'/,
    wrongPassword: /Access denied for user 'shipshape_sqlchk'/,
  },
};
