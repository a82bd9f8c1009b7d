/**
 * The `redis()` check: `PING` answers `PONG`, through the app's own client or a URL.
 */
import type { CheckSpec, CheckSpecOptions, Observation } from '../core/check.js';
import { InvalidOptionError, NotReady } from '../core/errors.js';
import { abortable } from '../core/internal/abortable.js';
import { safeDecode } from '../core/internal/url.js';
import { describe } from '../core/options.js';
import { registerUrlSecrets } from '../core/redact.js';
import { checkSpec, validateCheckOptions } from './_check-spec.js';
import { trackFirstReady, type ClientEventsLike } from './_first-ready.js';
import { formatHostPort } from './_host-port.js';
import { LineConnection, ReplyError } from './_line-connection.js';
import { roundTrip } from './_round-trip.js';

/** The events the check listens to while a client makes its first connection (both clients are EventEmitters). */
export type RedisEventsLike = ClientEventsLike;

/** The part of an ioredis `Redis` or `Cluster` client that the check uses. */
export interface IoRedisClientLike extends RedisEventsLike {
  /** `wait`, `connecting`, `connect`, `ready`, `reconnecting`, `close`, `end`, … */
  readonly status: string;
  ping(): Promise<unknown>;
}

/** The part of a node-redis (`redis` v4, v5, v6) client that the check uses. */
export interface NodeRedisClientLike extends RedisEventsLike {
  readonly isOpen: boolean;
  readonly isReady?: boolean;
  ping(): Promise<unknown>;
  /** node-redis v5+: commands that the signal removes from the queue when it aborts. */
  withAbortSignal?(signal: AbortSignal): { ping(): Promise<unknown> };
}

/** What `redis()` accepts: an ioredis or node-redis client, or a `redis://` / `rediss://` URL. */
export type RedisTarget = IoRedisClientLike | NodeRedisClientLike | string | URL;

/** Options of {@link redis}: the per-check settings only; the target says the rest. */
export type RedisOptions = CheckSpecOptions;

// No DEFAULTS: every option is a CheckSpec field that falls back to createProbes'.
const DEFAULT_PORT = 6379;
const SUPPORTED = 'an ioredis client, a node-redis client (`redis` v4+) or a `redis://` / `rediss://` URL';

/**
 * Checks that Redis answers `PING` with `PONG`, and reports the round trip in ms.
 *
 * With the app's client, a client still making its first connection (the usual case for the
 * first probe right after the app starts) is waited for within the check's timeout and
 * passes once it is ready; a client that was ready and has lost its server (ioredis
 * `reconnecting`, node-redis `isReady` false) fails at once with the reason instead of
 * queueing a `PING` in its offline queue; a `PING` that gets no answer is abandoned at the
 * check's timeout. With a
 * URL the check opens one connection of its own, without any driver: it never queues
 * offline, is destroyed at the timeout, is reopened by the next probe after a failure (a
 * restarted Redis is picked up), and is closed by `close()` (`probes.close()`). Credentials
 * in the URL (`redis://user:pass@host`) are sent with `AUTH` and redacted from every reason.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) for an object that is no Redis
 *   client, a malformed URL or a bad option.
 *
 * @example
 * ```ts
 * import { createProbes, redis } from 'shipshape';
 * const probes = createProbes({ readiness: { cache: redis('redis://redis:6379') } });
 * ```
 */
export function redis(target: RedisTarget, options?: RedisOptions): CheckSpec {
  if (typeof target === 'string' || target instanceof URL) registerUrlSecrets(target);
  validateCheckOptions(options);
  if (typeof target === 'string' || target instanceof URL) {
    const { run, close } = urlCheck(target);
    return checkSpec(run, options, close);
  }
  if (isIoRedis(target)) return checkSpec(ioRedisCheck(target), options);
  if (isNodeRedis(target)) return checkSpec(nodeRedisCheck(target), options);
  throw new InvalidOptionError(`Expected the \`redis\` target to be ${SUPPORTED}, got ${describe(target)}`);
}

// --- internal ---

function isIoRedis(value: unknown): value is IoRedisClientLike {
  return isObject(value) && typeof value.status === 'string' && typeof value.ping === 'function';
}

function isNodeRedis(value: unknown): value is NodeRedisClientLike {
  return isObject(value) && typeof value.isOpen === 'boolean' && typeof value.ping === 'function';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

function ioRedisCheck(client: IoRedisClientLike) {
  const readiness = trackFirstReady(client, { readyNow: client.status === 'ready', ready: 'ready', fail: ['close', 'end'] });
  return async function redisPing(signal: AbortSignal): Promise<Observation> {
    const started = performance.now();
    // `wait` is a lazyConnect client that connects on its first command.
    if (client.status === 'ready') readiness.seen();
    else if ((client.status === 'connecting' || client.status === 'connect') && !readiness.wasReady()) {
      await readiness.first(signal, () => `redis client not connected (${client.status})`);
    } else if (client.status !== 'wait') throw new NotReady(`redis client not connected (${client.status})`);
    expectPong(await abortable(client.ping(), signal));
    return roundTrip(started);
  };
}

function nodeRedisCheck(client: NodeRedisClientLike) {
  const readiness = trackFirstReady(client, { readyNow: client.isReady === true, ready: 'ready', fail: ['reconnecting', 'end'] });
  return async function redisPing(signal: AbortSignal): Promise<Observation> {
    const started = performance.now();
    if (!client.isOpen) throw new NotReady('redis client is closed');
    if (client.isReady === true) readiness.seen();
    else if (client.isReady === false && readiness.wasReady()) throw new NotReady('redis client not connected (reconnecting)');
    else if (client.isReady === false) await readiness.first(signal, () => 'redis client not connected (reconnecting)');
    const ping = typeof client.withAbortSignal === 'function' ? client.withAbortSignal(signal).ping() : client.ping();
    expectPong(await abortable(ping, signal));
    return roundTrip(started);
  };
}

function expectPong(reply: unknown): void {
  if (reply !== 'PONG') throw new NotReady(`unexpected PING reply ${describe(reply)}`);
}

// A RESP `PING` over node:net needs no driver (zero dependencies, and the socket is ours
// to destroy at the timeout); ioredis and node-redis would both need reconfiguring not to
// queue offline, and to stay quiet on error events during a restart.
function urlCheck(input: string | URL): { run: (signal: AbortSignal) => Promise<Observation>; close: () => Promise<void> } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new InvalidOptionError(`Expected the \`redis\` target to be ${SUPPORTED}, got ${describe(String(input))}`);
  }
  if ((url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new InvalidOptionError(`Expected the \`redis\` URL to be redis://host[:port] or rediss://host[:port], got ${describe(url.href)}`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? DEFAULT_PORT : Number(url.port);
  const password = safeDecode(url.password);
  const username = safeDecode(url.username);
  const connection = new LineConnection({
    server: { host, port, label: formatHostPort(host, port) },
    tls: url.protocol === 'rediss:',
    // Redis 6 ACLs take `AUTH user pass`; `redis://:pass@host` is the classic `AUTH pass`.
    handshake: password === '' ? undefined : {
      payload: command(username === '' ? ['AUTH', password] : ['AUTH', username, password]),
      lines: 1,
      verify: ([reply]) => {
        // Like ioredis, accept a password the server does not need (Redis 6+ refuses it).
        if (reply !== '+OK' && !reply?.includes('without any password configured')) {
          throw new ReplyError(`redis AUTH failed: ${replyText(reply)}`);
        }
      },
    },
  });
  return {
    run: async function redisPing(signal: AbortSignal): Promise<Observation> {
      const started = performance.now();
      const [reply] = await connection.request(command(['PING']), 1, signal);
      if (reply !== '+PONG') throw new NotReady(`redis PING failed: ${replyText(reply)}`);
      return roundTrip(started);
    },
    close: () => connection.close(),
  };
}

/** A RESP array of bulk strings: safe for passwords with spaces or quotes. */
function command(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

function replyText(reply: string | undefined): string {
  if (reply === undefined) return 'no reply';
  const text = reply.startsWith('-') || reply.startsWith('+') ? reply.slice(1) : `unexpected reply ${reply}`;
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}
