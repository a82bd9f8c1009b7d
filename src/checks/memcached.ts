/**
 * The `memcached()` check: every server of the list answers, as in the seed package
 * (django-kubernetes' `MemcachedProbe` requires all servers to respond).
 */
import type { CheckSpec, CheckSpecOptions, Observation } from '../core/check.js';
import { InvalidOptionError, NotReady } from '../core/errors.js';
import { abortable } from '../core/internal/abortable.js';
import { CLOSED_MESSAGE } from '../core/internal/owned-connection.js';
import { describe } from '../core/options.js';
import { checkSpec, validateCheckOptions } from './_check-spec.js';
import { formatHostPort, type HostPort, parseHostPort } from './_host-port.js';
import { LineConnection } from './_line-connection.js';
import { roundTrip } from './_round-trip.js';

/** The part of a memjs `Client` that the check uses. */
export interface MemjsClientLike {
  readonly servers: readonly { readonly host: string; readonly port: number | string }[];
  /** memjs calls back once per server: `(error, "host:port", stats)`. */
  stats(callback: (error: unknown, server: string, stats: unknown) => void): void;
}

/** What `memcached()` accepts: `"host:port,host:port"`, an array of `host:port`, or a memjs client. */
export type MemcachedTarget = string | readonly string[] | MemjsClientLike;

/** Options of {@link memcached}: the per-check settings only; the target says the rest. */
export type MemcachedOptions = CheckSpecOptions;

// No DEFAULTS: every option is a CheckSpec field that falls back to createProbes'. The
// port is memcached's registered one.
const DEFAULT_PORT = 11211;
const SUPPORTED = '"host:port,host:port", an array of "host:port" or a memjs client';

/**
 * Checks that every memcached server answers, and reports the round trip in ms. The reason
 * names each server that does not (`10.0.0.2:11211 not responding`).
 *
 * Every server must answer because a client spreads keys over all of them: with one down,
 * a share of the cache misses and its load lands on the database. A server list
 * (`MEMCACHED_SERVERS`-style, port 11211 when missing, IPv6 as `[::1]:11211`) is checked
 * with the memcached text protocol's `version` command, without any driver, over one
 * connection per server that the check keeps, destroys at the timeout, reopens after a
 * failure and closes on `close()`. A memjs client is asked for its `stats`, once per server.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) for an empty list, a malformed
 *   address, an object that is no memjs client or a bad option.
 *
 * @example
 * ```ts
 * import { createProbes, memcached } from 'shipshape';
 * const probes = createProbes({ readiness: { cache: memcached('10.0.0.1:11211,10.0.0.2:11211') } });
 * ```
 */
export function memcached(target: MemcachedTarget, options?: MemcachedOptions): CheckSpec {
  validateCheckOptions(options);
  if (typeof target === 'string' || Array.isArray(target)) {
    const { run, close } = serversCheck(parseList(typeof target === 'string' ? target.split(',') : target));
    return checkSpec(run, options, close);
  }
  if (isMemjs(target)) return checkSpec(memjsCheck(target), options);
  throw new InvalidOptionError(`Expected the \`memcached\` target to be ${SUPPORTED}, got ${describe(target)}`);
}

// --- internal ---

function isMemjs(value: unknown): value is MemjsClientLike {
  if (typeof value !== 'object' || value === null) return false;
  const client = value as Record<string, unknown>;
  return typeof client.stats === 'function' && Array.isArray(client.servers);
}

function parseList(items: readonly unknown[]): HostPort[] {
  const servers: HostPort[] = [];
  for (const item of items) {
    if (typeof item !== 'string') {
      throw new InvalidOptionError(`Expected every \`memcached\` server to be a "host:port" string, got ${describe(item)}`);
    }
    const address = item.trim().replace(/^memcached:\/\//i, '').replace(/\/$/, '');
    if (address.includes('@')) {
      throw new InvalidOptionError('Expected `memcached` servers without credentials: pass a memjs client for SASL');
    }
    if (address !== '') servers.push(parseHostPort('memcached', address, DEFAULT_PORT));
  }
  if (servers.length === 0) {
    throw new InvalidOptionError(`Expected the \`memcached\` target to be ${SUPPORTED}, got no server`);
  }
  return servers;
}

function serversCheck(servers: readonly HostPort[]): { run: (signal: AbortSignal) => Promise<Observation>; close: () => Promise<void> } {
  const connections = servers.map((server) => new LineConnection({ server }));
  return {
    run: async function memcachedVersion(signal: AbortSignal): Promise<Observation> {
      const started = performance.now();
      const answers = await Promise.all(
        connections.map(async (connection, index): Promise<Failure | undefined> => {
          const label = servers[index]?.label ?? '';
          try {
            const [line = ''] = await connection.request('version\r\n', 1, signal);
            return line.startsWith('VERSION ') ? undefined : { label, reply: line };
          } catch (error) {
            if (signal.aborted || (error instanceof Error && error.message === CLOSED_MESSAGE)) throw error;
            return { label };
          }
        }),
      );
      throwFailures(answers);
      return roundTrip(started);
    },
    close: async () => {
      await Promise.all(connections.map((connection) => connection.close()));
    },
  };
}

function memjsCheck(client: MemjsClientLike) {
  return async function memcachedStats(signal: AbortSignal): Promise<Observation> {
    const started = performance.now();
    const expected = client.servers.map((server) => formatHostPort(server.host, Number(server.port)));
    if (expected.length === 0) throw new NotReady('memjs client has no servers');
    const failed = new Map<string, Failure>();
    await abortable(
      new Promise<void>((resolve) => {
        const pending = new Set(expected);
        client.stats((error, server) => {
          const label = expected.find((name) => name === server) ?? server;
          if (error) failed.set(label, { label });
          pending.delete(label);
          if (pending.size === 0) resolve();
        });
      }),
      signal,
    );
    throwFailures([...failed.values()]);
    return roundTrip(started);
  };
}

interface Failure {
  readonly label: string;
  /** The reply of a server that answered, but not as memcached does. */
  readonly reply?: string;
}

function throwFailures(answers: readonly (Failure | undefined)[]): void {
  const failures = answers.filter((answer): answer is Failure => answer !== undefined);
  if (failures.length === 0) return;
  const silent = failures.filter((failure) => failure.reply === undefined).map((failure) => failure.label);
  const odd = failures
    .filter((failure) => failure.reply !== undefined)
    .map((failure) => `${failure.label} answered ${describe(failure.reply)}`);
  const parts = silent.length > 0 ? [`${silent.join(', ')} not responding`, ...odd] : odd;
  throw new NotReady(parts.join('; '));
}
