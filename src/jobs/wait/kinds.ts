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
import { http } from '../../checks/http.js';
import { memcached } from '../../checks/memcached.js';
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
function namedHost(check: (url: string) => CheckSpec, tlsScheme: string, form = ''): TargetKind['parse'] {
  return (text, scheme, where) => {
    if (!URL.canParse(text) || new URL(text).hostname === '') {
      throw new InvalidOptionError(`${where} is not a valid ${scheme}// URL${form ? ` (${scheme}${form})` : ''}`);
    }
    return urlTarget(text, scheme === tlsScheme, async (url) => check(url));
  };
}
