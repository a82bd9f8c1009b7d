/**
 * The targets of `shipshape wait4` and `wait4db`: a URL from the command line (or the
 * config, or `DATABASE_URL`) turned into the label every output line names it by and the
 * URL checks of `src/checks` that each attempt runs.
 *
 * Parsing is strict and happens before the first attempt, so that a typo is exit 2 at once
 * rather than 180 s of retries. No message ever echoes a target: it may hold a password,
 * and a malformed one may hold it where redaction cannot find it. Messages name the target
 * by where it came from (`target 2`, `--database`, `DATABASE_URL`) and by its scheme.
 */
import type { CheckSpec } from '../../core/check.js';
import { InvalidOptionError, UsageError } from '../../core/errors.js';
import { SQL_URL_SCHEMES, parseSqlUrl, schemeOf, type SqlDialectName } from '../../core/internal/sql/url.js';
import { redact, registerUrlSecrets } from '../../core/redact.js';
import { parseHostPort } from '../../checks/_host-port.js';
import { database } from '../../checks/database.js';
import { http } from '../../checks/http.js';
import { memcached } from '../../checks/memcached.js';
import { redis } from '../../checks/redis.js';
import { tcp } from '../../checks/tcp.js';
import { loadSqlDriver } from '../../core/internal/sql/client.js';

/** A target to wait for. */
export interface WaitTarget {
  /** The target as given, credentials redacted: how every line names it. */
  readonly label: string;
  /**
   * What an attempt tries, in parallel; it passes when one of them answers. One address,
   * or two for `localhost`: 127.0.0.1 and ::1.
   */
  readonly addresses: readonly TargetAddress[];
}

/** One address of a target, and how to build its check. */
export interface TargetAddress {
  /** The loopback address tried for `localhost` (`127.0.0.1`, `[::1]`); unset otherwise. */
  readonly via?: string;
  /** Builds the check, importing its module on first use. */
  check(): Promise<CheckSpec>;
}

/** What `wait4` accepts, for messages. */
export const TARGET_FORMS = 'a postgres://, postgresql://, mysql://, mariadb://, sqlite:, file:, redis://, rediss://, memcached://, tcp:// or http(s):// URL';

/**
 * Parses one target. `where` names it in messages (`target 2`, `--database`). With
 * `databaseOnly` (`wait4db`), only database URLs are accepted.
 *
 * @throws UsageError (exit 2) for a string that is not a URL, an unknown scheme, a
 *   non-database URL where only databases go, or a malformed target.
 */
export function parseTarget(input: string, where: string, databaseOnly = false): WaitTarget {
  const text = input.trim();
  // first of all, so that even a message about this target could not show its password
  registerUrlSecrets(text);
  const scheme = schemeOf(text);
  const expected = databaseOnly ? DATABASE_FORMS : TARGET_FORMS;
  // `db:5432` parses as a URL of scheme `db:`
  if (/^[a-z0-9.-]+:\d+\/?$/i.test(text)) throw new UsageError(`${where} is host:port, not a URL: write tcp://host:port (or the service's own URL)`);
  if (!scheme) throw new UsageError(`${where} is not a URL: expected ${expected}`);
  const dialect = SQL_URL_SCHEMES[scheme]?.dialect;
  if (dialect) return databaseTarget(text, scheme, dialect, where);
  const parse = OTHERS[scheme];
  if (!parse) throw new UsageError(`${where} has an unknown scheme (${scheme}//): expected ${expected}`);
  if (databaseOnly) throw new UsageError(`${where} is not a database URL (${scheme}//): expected ${expected}`);
  return parse(text, scheme, where);
}

// --- internal ---

const DATABASE_FORMS = 'a postgres://, postgresql://, mysql://, mariadb://, sqlite: or file: URL';

type Parser = (text: string, scheme: string, where: string) => WaitTarget;

const OTHERS: Readonly<Record<string, Parser>> = {
  'redis:': redisTarget,
  'rediss:': redisTarget,
  'memcached:': memcachedTarget,
  'tcp:': tcpTarget,
  'http:': httpTarget,
  'https:': httpTarget,
};

/**
 * The loopback addresses `localhost` stands for. A resolver may return only one of them
 * (the machine this project is developed on has `127.0.0.1 localhost` and no `::1` line
 * in /etc/hosts) while a sidecar listens on the other: a wait that tries only what the
 * resolver says would never end. Both are tried, each attempt in parallel.
 */
const LOOPBACKS = ['127.0.0.1', '[::1]'] as const;

// scheme://[user-info@]localhost followed by a port, a path, a query or the end
const LOCALHOST_URL = /^([a-z][a-z0-9+.-]*:\/\/(?:[^/?#]*@)?)localhost(?=[:/?#]|$)/i;

/**
 * The URLs to try for `url`: itself, or one per loopback address when its host is
 * `localhost`, spliced into the text so that the rest stays byte for byte. A TLS URL keeps
 * its name: the certificate is checked against it.
 */
function loopbackUrls(url: string, tls: boolean): readonly { url: string; via?: string }[] {
  if (tls || !LOCALHOST_URL.test(url)) return [{ url }];
  return LOOPBACKS.map((address) => ({ url: url.replace(LOCALHOST_URL, (_, head: string) => `${head}${address}`), via: address }));
}

function urlTarget(text: string, tls: boolean, build: (url: string) => Promise<CheckSpec>): WaitTarget {
  return { label: redact(text), addresses: loopbackUrls(text, tls).map(({ url, via }) => ({ via, check: () => build(url) })) };
}

function databaseTarget(text: string, scheme: string, dialect: SqlDialectName, where: string): WaitTarget {
  try {
    // mysql2 parses with new URL(); pg parses libpq URLs itself (an empty host is a socket)
    parseSqlUrl('database', dialect, text, dialect === 'mysql');
  } catch (error) {
    if (!(error instanceof InvalidOptionError)) throw error;
    throw new UsageError(`${where} is not a valid ${scheme}// URL`);
  }
  if (dialect === 'sqlite' && text.slice(scheme.length).replace(/[?#].*$/, '').replace(/^\/\//, '') === '') {
    throw new UsageError(`${where} names no SQLite file (${scheme}///path/to/app.db)`);
  }
  // TLS parameters (pg's sslmode/ssl, mysql2's ssl) keep the host name the certificate names
  const tls = /[?&](ssl|sslmode|sslcert|sslrootcert|tls)=/i.test(text);
  return urlTarget(text, tls, async (url) => {
    // the driver is imported here, before the first attempt and its deadline
    await loadSqlDriver(url);
    return database(url);
  });
}

function redisTarget(text: string, scheme: string, where: string): WaitTarget {
  if (!URL.canParse(text) || new URL(text).hostname === '') {
    throw new UsageError(`${where} is not a valid ${scheme}// URL (${scheme}//host[:port])`);
  }
  return urlTarget(text, scheme === 'rediss:', async (url) => redis(url));
}

function httpTarget(text: string, scheme: string, where: string): WaitTarget {
  if (!URL.canParse(text) || new URL(text).hostname === '') throw new UsageError(`${where} is not a valid ${scheme}// URL`);
  return urlTarget(text, scheme === 'https:', async (url) => http(url));
}

/** `tcp://host:port` and `memcached://host[:port]`: an address, nothing else (no credentials, no path). */
function hostPort(text: string, scheme: string, where: string, defaultPort: number | undefined): { host: string; port: number } {
  const form = `${scheme}//host${defaultPort === undefined ? ':port' : '[:port]'} (IPv6 as ${scheme}//[::1]:port)`;
  const address = text.slice(scheme.length + 2).replace(/\/$/, '');
  if (!text.slice(scheme.length).startsWith('//') || /[@/?#]/.test(address)) throw new UsageError(`${where} is not ${form}`);
  try {
    // parseHostPort wants a default port: 0 is refused by its own port check
    const { host, port } = parseHostPort('address', address, defaultPort ?? 0);
    return { host, port };
  } catch (error) {
    if (!(error instanceof InvalidOptionError)) throw error;
    throw new UsageError(`${where} is not ${form}`);
  }
}

function loopbackHosts(host: string): readonly { host: string; via?: string }[] {
  if (host.toLowerCase() !== 'localhost') return [{ host }];
  return LOOPBACKS.map((address) => ({ host: address, via: address }));
}

function tcpTarget(text: string, scheme: string, where: string): WaitTarget {
  const { host, port } = hostPort(text, scheme, where, undefined);
  return {
    label: redact(text),
    addresses: loopbackHosts(host).map(({ host: address, via }) => ({ via, check: async () => tcp(address, port) })),
  };
}

function memcachedTarget(text: string, scheme: string, where: string): WaitTarget {
  const { host, port } = hostPort(text, scheme, where, 11211);
  return {
    label: redact(text),
    addresses: loopbackHosts(host).map(({ host: address, via }) => {
      const server = address.includes(':') && !address.startsWith('[') ? `[${address}]:${port}` : `${address}:${port}`;
      return { via, check: async () => memcached(server) };
    }),
  };
}
