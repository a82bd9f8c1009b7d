/**
 * Reading request targets and URL parts, once for every adapter and check: the path and
 * query of a probe request in any of the forms a server sees, and percent-decoding that
 * never throws.
 */

/**
 * `decodeURIComponent` that takes a malformed escape (`%zz`, a stray `%`) as written
 * instead of throwing, as WHATWG URL parsing does with such input.
 */
export function safeDecode(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The path and query of a request target. The origin form (`/readyz?verbose`, what
 * node:http gives almost always) is returned as it is, at the cost of one character
 * compare; the absolute form (`http://host/readyz?verbose`: what proxies may send,
 * RFC 9112 §3.2.2, and what a Web `Request.url` always is) loses its scheme, authority and
 * fragment.
 */
export function pathAndQuery(target: string): string {
  if (target.charCodeAt(0) === 47 /* / */) return target;
  const authority = target.indexOf('//');
  if (authority === -1) return target; // the asterisk form, or garbage: it matches no probe
  // by char code: `target[i]` makes a one-character string per step, which cost a Web
  // request's URL (always in this form) ~200 ns on Bun, Deno and Node before any lookup
  let start = authority + 2;
  while (start < target.length && !isPathStart(target.charCodeAt(start))) start += 1;
  const hash = target.indexOf('#', start);
  const rest = hash === -1 ? target.slice(start) : target.slice(start, hash);
  return rest.charCodeAt(0) === 47 ? rest : `/${rest}`;
}

/**
 * The index of the `/` that begins the path of a request target (origin or absolute form),
 * or -1 when it has none. When the path of an absolute form is empty, a `/` of its query or
 * fragment may be taken for it, and so may one of a malformed target: enough to rule a
 * probe path out, which is what it is for (`RouteTable.mayMatch`), with at most two
 * `indexOf`. A loop of `charCodeAt` instead costs each character ~50 instructions on the
 * concatenated string a Web `Request.url` often is (`@hono/node-server` builds it from the
 * scheme, the Host header and the path).
 *
 * @example
 * ```ts
 * pathSlash('/readyz?verbose');              // 0
 * pathSlash('http://app.test:8080/readyz');  // 20
 * pathSlash('http://app.test');              // -1
 * ```
 */
export function pathSlash(target: string): number {
  if (target.charCodeAt(0) === 47 /* / */) return 0;
  // after the scheme's "://" (that of http: and https: seen without a search), the path's
  // "/" found by indexOf, which scans with memchr
  const colon = isSchemeEnd(target, 4) ? 4 : isSchemeEnd(target, 5) ? 5 : target.indexOf(':');
  return target.indexOf('/', colon + 3);
}

// --- internal ---

/** Whether `://` is at `at`: a ":" there alone may be a port's (`x://a:1/`). */
function isSchemeEnd(target: string, at: number): boolean {
  return target.charCodeAt(at) === 58 /* : */ && target.charCodeAt(at + 1) === 47 && target.charCodeAt(at + 2) === 47;
}

/** `/`, `?` or `#`: where the authority of an absolute-form target ends. */
function isPathStart(code: number): boolean {
  return code === 47 || code === 63 || code === 35;
}
