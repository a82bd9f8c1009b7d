/**
 * Parsing of `host:port` server addresses as memcached lists and `tcp()` take them:
 * `cache-1:11211`, `10.0.0.2`, `[::1]:11211` (RFC 3986 §3.2.2 brackets for IPv6), and a
 * bare IPv6 address `::1`, which has no room for a port.
 */
import { InvalidOptionError } from '../core/errors.js';
import { describe } from '../core/options.js';

/** A server address. `label` is how reasons name it (`[::1]:11211`, `cache:11211`). */
export interface HostPort {
  readonly host: string;
  readonly port: number;
  readonly label: string;
}

/**
 * Parses one `host[:port]` address; `defaultPort` when it has none.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) naming `option` for an empty
 *   host or a port outside 1–65535.
 */
export function parseHostPort(option: string, input: string, defaultPort: number): HostPort {
  const text = input.trim();
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
  } else if (isIPv6(text)) {
    host = text;
  } else {
    const colon = text.lastIndexOf(':');
    host = colon === -1 ? text : text.slice(0, colon);
    portText = colon === -1 ? undefined : text.slice(colon + 1);
  }
  if (host === '' || /[\s/[\]]/.test(host) || (host.includes(':') && !isIPv6(host))) {
    throw new InvalidOptionError(
      `Expected \`${option}\` to be "host:port" (IPv6 as "[::1]:${defaultPort}"), got ${describe(input)}`,
    );
  }
  const port = portText === undefined ? defaultPort : Number(portText);
  expectPort(option, port, portText ?? port);
  return { host, port, label: formatHostPort(host, port) };
}

/** Throws unless `port` is an integer in 1–65535; `received` is shown in the message. */
export function expectPort(option: string, port: unknown, received: unknown = port): asserts port is number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidOptionError(`Expected \`${option}\` to have a port from 1 to 65535, got ${describe(received)}`);
  }
}

/** `host:port`, with brackets around an IPv6 host. */
export function formatHostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Whether `host` is an IPv6 address (`::1`, `fe80::1%eth0` without the zone). Decided by
 * the WHATWG URL parser rather than `node:net`'s `isIP`, so that building a check does not
 * load the networking modules.
 */
export function isIPv6(host: string): boolean {
  return host.includes(':') && URL.canParse(`http://[${host}]/`);
}
