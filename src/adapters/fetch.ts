/**
 * @module shipshape/fetch
 *
 * Web `fetch` handlers on any runtime (Bun, Deno, Node's `@hono/node-server`, workers):
 * `withProbes(probes, handler)`.
 */
import { InvalidOptionError } from '../core/errors.js';
import { toWebResponse } from '../core/fetch.js';
import { describe } from '../core/options.js';
import type { Probes } from '../core/probes.js';
import { settledResponse, type ProbeRequest, type ProbeResponse } from '../core/respond.js';
import { expectProbes } from './_expect-probes.js';

/** A Web `fetch` handler: a `Request` and whatever the runtime passes beside it (Bun's `server`, Deno's `info`, a worker's `env, ctx`). */
export type FetchHandler = (request: Request, ...rest: any[]) => unknown;

/** What {@link withProbes} returns: `handler`'s own signature (a `Request` first), answering probes with `Response`s. */
export type ProbesFetchHandler<H extends FetchHandler> = (
  this: ThisParameterType<H>,
  request: Request,
  ...rest: Parameters<H> extends [unknown?, ...infer Rest] ? Rest : never[]
) => ReturnType<H> | Response | Promise<Response>;

/**
 * Wraps a Web `fetch` handler so that probe requests are answered with `Response`s before
 * it runs (the handler never sees them) and every other request reaches it synchronously,
 * with its `this` and all its arguments untouched, its return value returned as it is: no
 * promise is added on the app's path. Without a handler, other requests get `404`.
 *
 * The fastest way to put probes in front of Hono on any runtime: `app.use(honoProbes())`
 * takes an app off Hono's single-handler path for every request, this does not. An app
 * request costs a method compare and a few character compares on its URL. While the probes
 * drain (`gracefulShutdown` began), every response, the app's included, carries
 * `Connection: close` so that keep-alive clients reconnect to a pod that stays (RFC 9112
 * §9.6); only then does an app response that is a promise get one `then` more. A `101`
 * (WebSocket upgrade) response is never touched.
 *
 * @throws InvalidOptionError (`SHIPSHAPE_INVALID_OPTION`) when `probes` is not a `createProbes()`
 * result or `handler` is not a function.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { createProbes } from 'shipshape';
 * import { withProbes } from 'shipshape/fetch';
 *
 * const probes = createProbes({ readiness: { api: async () => {} } });
 * const app = new Hono();
 * app.get('/', (c) => c.text('hello'));
 * export default { fetch: withProbes(probes, app.fetch) };
 * ```
 */
export function withProbes<H extends FetchHandler = (request: Request) => Response>(probes: Probes, handler?: H): ProbesFetchHandler<H> {
  expectProbes('probes', probes);
  if (handler !== undefined && typeof handler !== 'function') {
    throw new InvalidOptionError(`Expected \`handler\` to be a fetch handler (request, ...rest) => Response, got ${describe(handler)}`);
  }
  const app: FetchHandler = handler ?? notFound;
  const routes = probes.routes;
  return function shipshapeProbes(this: unknown, request: Request): unknown {
    const method = request.method;
    // the URL read in place first: nothing is built for the app's own requests
    if ((method === 'GET' || method === 'HEAD') && routes.mayMatch(request.url)) {
      const pending = probes.respond(new WebProbeRequest(method, request.url, request));
      if (pending) return answer(probes, method, pending);
    }
    // `arguments`: every argument the runtime passed, however many, exactly as passed
    if (probes.draining) return closing(Reflect.apply(app, this, arguments));
    return Reflect.apply(app, this, arguments);
  } as unknown as ProbesFetchHandler<H>;
}

// --- internal ---

/** The core's view of a Web request; `accept` is read only when a probe path matched. */
class WebProbeRequest implements ProbeRequest {
  readonly method: string;
  readonly url: string;
  readonly #request: Request;
  constructor(method: string, url: string, request: Request) {
    this.method = method;
    this.url = url;
    this.#request = request;
  }
  get accept(): string | null {
    return this.#request.headers.get('accept');
  }
}

/** The plain `ok` of a probe without checks is answered at once; others when their checks settle. */
function answer(probes: Probes, method: string, pending: Promise<ProbeResponse>): Response | Promise<Response> {
  const settled = settledResponse(pending);
  if (settled) return toWebResponse(method, settled, probes.draining);
  return pending.then((response) => toWebResponse(method, response, probes.draining));
}

function notFound(): Response {
  return new Response(null, { status: 404 });
}

/** The app's answer with `Connection: close`, whether it is a `Response` or a promise of one. */
function closing(result: unknown): unknown {
  if (typeof (result as PromiseLike<unknown> | null)?.then === 'function') return (result as PromiseLike<unknown>).then(withClose);
  return withClose(result);
}

function withClose(value: unknown): unknown {
  const response = value as Response | null | undefined;
  // not a Response (Bun's upgrade returns undefined), an error response, or a protocol switch: as it is
  if (typeof response?.headers?.set !== 'function' || response.type === 'error' || response.status === 101) return value;
  try {
    response.headers.set('connection', 'close');
    return response;
  } catch {
    // immutable headers (Response.redirect(), a fetch() result passed on): a copy that can say it
    const copy = new Response(response.body, response);
    copy.headers.set('connection', 'close');
    return copy;
  }
}
