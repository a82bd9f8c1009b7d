/**
 * The `http()` check: a `GET` answers in time with the expected status.
 */
import type { CheckSpec, CheckSpecOptions, Observation } from '../core/check.js';
import { InvalidOptionError, NotReady } from '../core/errors.js';
import { describe, expectBoolean, resolveOptions } from '../core/options.js';
import { registerUrlSecrets } from '../core/redact.js';
import { checkSpec, validateCheckOptions } from './_check-spec.js';
import { roundTrip } from './_round-trip.js';

/** Options of {@link http}. */
export interface HttpOptions extends CheckSpecOptions {
  /**
   * The status (or statuses) that pass. Without it, any 2xx or 3xx passes, as the kubelet
   * counts an HTTP probe.
   * @defaultValue `DEFAULTS.status` (200–399)
   */
  readonly status?: number | readonly number[];
  /**
   * Follow `Location` on 3xx (at most 10 hops) and judge the last answer. Off, a redirect
   * is the answer, as for the kubelet.
   * @defaultValue `DEFAULTS.followRedirects`
   */
  readonly followRedirects?: boolean;
}

interface ResolvedHttpOptions {
  readonly status: number | readonly number[] | null;
  readonly followRedirects: boolean;
}

const DEFAULTS: ResolvedHttpOptions = { status: null, followRedirects: false };

// Go's http.Client, which the kubelet uses, gives up after 10 redirects.
const MAX_REDIRECTS = 10;

/**
 * Checks that a `GET` of `url` answers with an expected status, and reports the time to
 * the response headers in ms.
 *
 * For a dependency that is an HTTP service (another app's `/readyz`, an internal API). The
 * check reads the status line and headers only: it then destroys the connection (no
 * keep-alive pool, nothing left open), and a hanging server is cut off at the timeout.
 * Think twice before making one app's readiness depend on another's: a failing dependency
 * then takes every caller out of its Service too. Credentials in the URL are sent as Basic
 * auth and redacted from every reason.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) for a URL that is not http(s),
 *   a status outside 100–599, or an unknown option.
 *
 * @example
 * ```ts
 * import { createProbes, http } from 'shipshape';
 * const probes = createProbes({ readiness: { search: http('http://search:9200/_cluster/health', { status: 200 }) } });
 * ```
 */
export function http(url: string | URL, options?: HttpOptions): CheckSpec {
  registerUrlSecrets(url);
  const target = parseUrl('http', url);
  validateCheckOptions(options, Object.keys(DEFAULTS));
  const settings = resolveOptions(DEFAULTS, options);
  const accepts = statusMatcher(settings.status);
  expectBoolean('followRedirects', settings.followRedirects);
  return checkSpec(
    async function httpGet(signal: AbortSignal): Promise<Observation> {
      const started = performance.now();
      let current = target;
      let answer = await get(current, signal);
      for (let hops = 0; settings.followRedirects && answer.location !== undefined; hops += 1) {
        if (hops === MAX_REDIRECTS) throw new NotReady(`stopped after ${MAX_REDIRECTS} redirects`);
        registerUrlSecrets(answer.location);
        current = parseRedirect(answer.location, current);
        answer = await get(current, signal);
      }
      if (!accepts.test(answer.status)) throw new NotReady(`HTTP ${answer.status}, expected ${accepts.text}`);
      return roundTrip(started);
    },
    options,
  );
}

// --- internal ---

interface Answer {
  readonly status: number;
  /** Set for a 3xx with a `Location` header. */
  readonly location?: string;
}

function get(url: URL, signal: AbortSignal): Promise<Answer> {
  // loaded on the first run, not when shipshape is imported (node:https pulls in node:tls)
  const client = url.protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
  return new Promise<Answer>((resolve, reject) => {
    // agent: false: a connection of its own, never a pooled keep-alive socket left open.
    const request = client.request(url, { method: 'GET', agent: false, signal, headers: { accept: '*/*' } }, (response) => {
      const status = response.statusCode ?? 0;
      const location = status >= 300 && status < 400 ? response.headers.location : undefined;
      resolve(location === undefined ? { status } : { status, location });
      // The status is the answer: the body is not read, and destroying the response frees
      // the socket even when the body never ends.
      response.destroy();
    });
    request.on('error', reject);
    request.end();
  });
}

function parseUrl(option: string, input: unknown): URL {
  let url: URL | undefined;
  try {
    url = typeof input === 'string' || input instanceof URL ? new URL(input) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InvalidOptionError(`Expected the \`${option}\` URL to be an http:// or https:// URL, got ${describe(input)}`);
  }
  return url;
}

function parseRedirect(location: string, base: URL): URL {
  let next: URL;
  try {
    next = new URL(location, base);
  } catch {
    throw new NotReady(`redirect to an invalid URL`);
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new NotReady(`redirect to ${next.protocol} URL`);
  return next;
}

function statusMatcher(status: ResolvedHttpOptions['status']): { test: (code: number) => boolean; text: string } {
  if (status === null) return { test: (code) => code >= 200 && code < 400, text: '2xx or 3xx' };
  const list = typeof status === 'number' ? [status] : status;
  if (!Array.isArray(list) || list.length === 0 || !list.every(isStatus)) {
    throw new InvalidOptionError(
      `Expected \`status\` to be an HTTP status (100–599) or a non-empty array of them, got ${describe(status)}`,
    );
  }
  return { test: (code) => list.includes(code), text: list.join(' or ') };
}

function isStatus(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599;
}
