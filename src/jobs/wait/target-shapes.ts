/**
 * The shapes a wait target takes, which the rows of `kinds.ts` are built from: a URL that
 * a check takes whole (databases, Redis, HTTP, the brokers), or a bare address (`tcp://host:port`,
 * `memcached://host[:port]`). Each becomes the label every line names it by (credentials
 * redacted) and the checks of `src/checks` that an attempt runs, one per address: two for
 * `localhost`.
 */
import type { CheckSpec } from '../../core/check.js';
import { InvalidOptionError } from '../../core/errors.js';
import { loadSqlDriver } from '../../core/internal/sql/client.js';
import { parseSqlUrl, SQL_URL_SCHEMES } from '../../core/internal/sql/url.js';
import { redact } from '../../core/redact.js';
import { parseHostPort } from '../../checks/_host-port.js';
import { database } from '../../checks/database.js';

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
  /** Builds the check, importing its module (and driver) on first use. */
  check(): Promise<CheckSpec>;
}

/**
 * A target whose check takes the whole URL: one address, or one per loopback address when
 * its host is `localhost`, spliced into the text so that the rest stays byte for byte. With
 * `keepName` it keeps its name: a TLS URL (the certificate is checked against it), a list
 * of servers (`nats://a,nats://b`).
 */
export function urlTarget(text: string, keepName: boolean, build: (url: string) => Promise<CheckSpec>): WaitTarget {
  const urls = keepName || !LOCALHOST_URL.test(text) ? [{ url: text }] : LOOPBACKS.map((address) => ({ url: text.replace(LOCALHOST_URL, (_, head: string) => `${head}${address}`), via: address }));
  return { label: redact(text), addresses: urls.map(({ url, via }: { url: string; via?: string }) => ({ via, check: () => build(url) })) };
}

/** A PostgreSQL, MySQL/MariaDB or SQLite URL, checked with `SELECT 1` by `database(url)`. */
export function databaseTarget(text: string, scheme: string, where: string): WaitTarget {
  const dialect = SQL_URL_SCHEMES[scheme]!.dialect;
  try {
    // mysql2 parses with new URL(); pg parses libpq URLs itself (an empty host is a socket)
    parseSqlUrl('database', dialect, text, dialect === 'mysql');
  } catch (error) {
    if (!(error instanceof InvalidOptionError)) throw error;
    throw new InvalidOptionError(`${where} is not a valid ${scheme}// URL`);
  }
  if (dialect === 'sqlite' && text.slice(scheme.length).replace(/[?#].*$/, '').replace(/^\/\//, '') === '') {
    throw new InvalidOptionError(`${where} names no SQLite file (${scheme}///path/to/app.db)`);
  }
  // TLS parameters (pg's sslmode/ssl, mysql2's ssl) keep the host name the certificate names
  const tls = /[?&](ssl|sslmode|sslcert|sslrootcert|tls)=/i.test(text);
  return urlTarget(text, tls, async (url) => {
    // the driver is imported here, before the first attempt and its deadline
    await loadSqlDriver(url);
    return database(url);
  });
}

/**
 * `scheme://host:port` (or `host[:port]` with a `defaultPort`): an address, nothing else (no
 * credentials, no path), checked by `build(host, port)` on each loopback address of `localhost`.
 */
export function hostPortTarget(defaultPort: number | undefined, build: (host: string, port: number) => CheckSpec): (text: string, scheme: string, where: string) => WaitTarget {
  return (text, scheme, where) => {
    const form = `${scheme}//host${defaultPort === undefined ? ':port' : '[:port]'} (IPv6 as ${scheme}//[::1]:port)`;
    const address = text.slice(scheme.length + 2).replace(/\/$/, '');
    if (!text.slice(scheme.length).startsWith('//') || /[@/?#]/.test(address)) throw new InvalidOptionError(`${where} is not ${form}`);
    let host: string;
    let port: number;
    try {
      // parseHostPort wants a default port: 0 is refused by its own port check
      ({ host, port } = parseHostPort('address', address, defaultPort ?? 0));
    } catch (error) {
      if (!(error instanceof InvalidOptionError)) throw error;
      throw new InvalidOptionError(`${where} is not ${form}`);
    }
    const hosts = host.toLowerCase() === 'localhost' ? LOOPBACKS.map((loopback) => ({ host: loopback, via: loopback })) : [{ host }];
    return { label: redact(text), addresses: hosts.map(({ host: name, via }: { host: string; via?: string }) => ({ via, check: async () => build(name, port) })) };
  };
}

// --- internal ---

/**
 * The loopback addresses `localhost` stands for. A resolver may return only one of them
 * (the machine this project is developed on has `127.0.0.1 localhost` and no `::1` line
 * in /etc/hosts) while a sidecar listens on the other: a wait that tries only what the
 * resolver says would never end. Both are tried, each attempt in parallel.
 */
const LOOPBACKS = ['127.0.0.1', '[::1]'] as const;

// scheme://[user-info@]localhost followed by a port, a path, a query or the end
const LOCALHOST_URL = /^([a-z][a-z0-9+.-]*:\/\/(?:[^/?#]*@)?)localhost(?=[:/?#]|$)/i;
