/**
 * What `waitFor` (and `wait4`) can wait for: one row a kind of target, with the URL forms
 * that messages list and the parser that turns such a URL into a {@link WaitTarget}. A new
 * kind is one row here, built from the shapes below, and one line of `wait4 --help`.
 *
 * A parser validates strictly (a typo is refused before the first attempt, not retried for
 * minutes) and never echoes the target: messages name it by `where` and its scheme only.
 */
import type { CheckSpec } from '../../core/check.js';
import { InvalidOptionError } from '../../core/errors.js';
import { SQL_URL_SCHEMES } from '../../core/internal/sql/url.js';
import { loadAmqplib, loadMqtt, loadNats } from '../../checks/_broker-drivers.js';
import { http } from '../../checks/http.js';
import { memcached } from '../../checks/memcached.js';
import { mqtt } from '../../checks/mqtt.js';
import { nats } from '../../checks/nats.js';
import { rabbitmq } from '../../checks/rabbitmq.js';
import { redis } from '../../checks/redis.js';
import { tcp } from '../../checks/tcp.js';
import { databaseTarget, hostPortTarget, urlTarget, type WaitTarget } from './target-shapes.js';
import { grpcTarget } from './grpc-target.js';

/** A kind of target. */
export interface TargetKind {
  /** The URL schemes it serves, with their colon (`redis:`). */
  readonly schemes: readonly string[];
  /** How messages list it (`redis://`, `http(s)://`). */
  readonly forms: readonly string[];
  /** Whether it is a database (`wait4db` takes only those). */
  readonly database?: boolean;
  /** The URL as a target; `where` names it in messages. @throws InvalidOptionError for a malformed one. */
  parse(text: string, scheme: string, where: string): WaitTarget;
}

/** Every kind, in the order messages list them. */
export const TARGET_KINDS: readonly TargetKind[] = [
  {
    schemes: Object.keys(SQL_URL_SCHEMES),
    forms: Object.keys(SQL_URL_SCHEMES).map((scheme) => (scheme === 'sqlite:' || scheme === 'file:' ? scheme : `${scheme}//`)),
    database: true,
    parse: databaseTarget,
  },
  { schemes: ['redis:', 'rediss:'], forms: ['redis://', 'rediss://'], parse: namedHost((url) => redis(url), 'rediss:', '//host[:port]') },
  { schemes: ['memcached:'], forms: ['memcached://'], parse: hostPortTarget(11211, (host, port) => memcached(host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`)) },
  { schemes: ['amqp:', 'amqps:'], forms: ['amqp(s)://'], parse: amqpTarget },
  { schemes: ['nats:'], forms: ['nats://'], parse: natsTarget },
  { schemes: ['mqtt:', 'mqtts:'], forms: ['mqtt(s)://'], parse: namedHost(afterLoading(loadMqtt, (url) => mqtt(url)), 'mqtts:', '//host[:port]') },
  { schemes: ['tcp:'], forms: ['tcp://'], parse: hostPortTarget(undefined, (host, port) => tcp(host, port)) },
  { schemes: ['http:', 'https:'], forms: ['http(s)://'], parse: namedHost((url) => http(url), 'https:') },
  { schemes: ['grpc:'], forms: ['grpc://'], parse: grpcTarget },
];

/** The kind of `scheme`, or `undefined`. */
export function kindOf(scheme: string): TargetKind | undefined {
  return TARGET_KINDS.find((kind) => kind.schemes.includes(scheme));
}

/** `a postgres://, …, tcp:// or http(s):// URL`: what a message says is accepted. */
export function formsOf(kinds: readonly TargetKind[]): string {
  const forms = kinds.flatMap((kind) => kind.forms);
  return `a ${forms.slice(0, -1).join(', ')} or ${forms.at(-1)} URL`;
}

// --- internal ---

/**
 * A URL with a host, checked by `check(url)`: TLS under `tlsScheme` (where `localhost`
 * keeps its name, the certificate's), each loopback address otherwise.
 */
function namedHost(check: (url: string) => CheckSpec | Promise<CheckSpec>, tlsScheme: string, form = ''): TargetKind['parse'] {
  return (text, scheme, where) => {
    if (!URL.canParse(text) || new URL(text).hostname === '') {
      throw new InvalidOptionError(`${where} is not a valid ${scheme}// URL${form ? ` (${scheme}${form})` : ''}`);
    }
    return urlTarget(text, scheme === tlsScheme, async (url) => check(url));
  };
}

/**
 * `check`, its driver imported first (an optional peer: a missing one is a
 * `DriverMissingError` naming it), before the first attempt and its deadline.
 */
function afterLoading(load: () => Promise<unknown>, check: (url: string) => CheckSpec): (url: string) => Promise<CheckSpec> {
  return async (url) => {
    await load();
    return check(url);
  };
}

/**
 * `amqp://[user:password@]host[:port][/vhost]`, checked by `rabbitmq(url)`. The vhost is one
 * path segment, as the AMQP URI spec has it: `amqp://host/a/b` is refused (a `/` in a vhost
 * is written `%2F`: `amqp://host/a%2Fb`); no path, or `/` alone, is the vhost `/`.
 */
function amqpTarget(text: string, scheme: string, where: string): WaitTarget {
  const form = '//host[:port][/vhost]';
  if (URL.canParse(text) && new URL(text).pathname.slice(1).includes('/')) {
    throw new InvalidOptionError(`${where} is not a valid ${scheme}// URL (${scheme}${form}, a / in the vhost written %2F)`);
  }
  return namedHost(afterLoading(loadAmqplib, (url) => rabbitmq(url)), 'amqps:', form)(text, scheme, where);
}

/**
 * `nats://[user:password@|token@]host[:port]`, or several separated by commas (as
 * `$NATS_URL` often holds them), checked by `nats(url)`: an attempt passes when the first
 * server that answers does. A list keeps its host names: the check tries them in order.
 */
function natsTarget(text: string, scheme: string, where: string): WaitTarget {
  const servers = text.split(',').map((server) => server.trim());
  const valid = (server: string): boolean => URL.canParse(server) && new URL(server).protocol === scheme && new URL(server).hostname !== '';
  if (!servers.every(valid)) throw new InvalidOptionError(`${where} is not a valid ${scheme}// URL (${scheme}//host[:port], several comma-separated)`);
  return urlTarget(text, servers.length > 1, afterLoading(loadNats, (url) => nats(url)));
}
