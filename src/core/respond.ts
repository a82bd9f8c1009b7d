/**
 * The one request path every adapter shares: a probe request (method, URL, Accept) in, a
 * complete response (status, headers, body) out — or `undefined` when the request is the
 * app's own. node:http, fetch, Express, Fastify, Koa, Hono and Nest only translate.
 */
import { formatJson, type JsonIdentity } from './format-json.js';
import { formatText, formatTextCheck } from './format-text.js';
import type { CheckReport, ProbeName, ProbeReport } from './report.js';
import { pathAndQuery } from './internal/url.js';
import type { Route, RouteTable } from './routes.js';

/** A request as the core needs it. */
export interface ProbeRequest {
  readonly method: string;
  /** The request target: its path and query (`/readyz?verbose`), or an absolute URL (`http://host/readyz?verbose`, as a Web `Request.url` always is). */
  readonly url: string;
  readonly accept?: string | null | undefined;
}

/**
 * A {@link ProbeRequest} whose `accept` is read only when `respond` needs it, for a probe:
 * `@hono/node-server` builds a Web `Headers` object from node's headers on first read,
 * which the app's own requests must not pay for (measured: Hono's pass-through +23 % →
 * +16 % of Hono alone, BENCHMARKS.md). node:http builds `req.headers` itself before the
 * `request` event, so there it saves nothing, and costs nothing either.
 */
export class LazyProbeRequest<Source> implements ProbeRequest {
  readonly method: string;
  readonly url: string;
  readonly #source: Source;
  readonly #readAccept: (source: Source) => string | null | undefined;

  constructor(method: string, url: string, source: Source, readAccept: (source: Source) => string | null | undefined) {
    this.method = method;
    this.url = url;
    this.#source = source;
    this.#readAccept = readAccept;
  }

  get accept(): string | null | undefined {
    return this.#readAccept(this.#source);
  }
}

/** A complete probe response. `body` is for GET; a HEAD response sends the headers only. */
export interface ProbeResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What `respond` needs of a probes instance. */
export interface ProbeEngine {
  readonly routes: RouteTable;
  readonly details: boolean;
  readonly identity: JsonIdentity;
  check(probe: ProbeName, options: { exclude: readonly string[] }): Promise<ProbeReport>;
  checkOne(probe: ProbeName, name: string): Promise<CheckReport | undefined>;
  /** Whether `probe` passes with nothing to run (no checks, no failing state line), so a plain request is `ok`. */
  passesAtOnce(probe: ProbeName): boolean;
}

/**
 * Answers a probe request, or returns `undefined` so the request goes on to the app. The
 * app's own requests, nearly all of them, cost a method compare and a few character
 * compares on the target as it came (`RouteTable.mayMatch`): nothing is sliced or allocated
 * for them, and `request.accept` is read only for a probe (see
 * {@link LazyProbeRequest}).
 */
export function respond(engine: ProbeEngine, request: ProbeRequest): Promise<ProbeResponse> | undefined {
  const method = request.method;
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  if (!engine.routes.mayMatch(request.url)) return undefined;
  const url = pathAndQuery(request.url);
  const q = url.indexOf('?');
  const route = engine.routes.match(q === -1 ? url : url.slice(0, q));
  if (!route) return undefined;
  const query = q === -1 ? undefined : new URLSearchParams(url.slice(q + 1));
  const json = query?.get('format') === 'json' || wantsJson(request.accept);
  // the kubelet's everyday request, a plain GET /livez of a probe without checks, gets one
  // shared answer that is already resolved: no report, no formatting, no promise chain
  if (route.check === undefined && query === undefined && !json && engine.passesAtOnce(route.probe)) return OK;
  return answer(engine, route, query, json).catch(internalError);
}

// --- internal ---

const BASE_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;
const TEXT_TYPE = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/health+json';
const OK_RESPONSE = frozen(textResponse(200, 'ok'));
const OK: Promise<ProbeResponse> = Promise.resolve(OK_RESPONSE);

/**
 * The response `pending` already holds when it is the shared `ok` of a probe without checks
 * (so a writer may answer in the same tick), else `undefined`.
 */
export function settledResponse(pending: Promise<ProbeResponse>): ProbeResponse | undefined {
  return pending === OK ? OK_RESPONSE : undefined;
}

async function answer(engine: ProbeEngine, route: Route, query: URLSearchParams | undefined, json: boolean): Promise<ProbeResponse> {
  if (route.check !== undefined) {
    const check = await engine.checkOne(route.probe, route.check);
    if (!check) return textResponse(404, '404 page not found\n');
    const report: ProbeReport = { probe: route.probe, status: check.status, checks: [check], unmatchedExcludes: [] };
    return json ? jsonResponse(engine, report) : textResponse(statusOf(report), formatTextCheck(check, engine.details));
  }
  const report = await engine.check(route.probe, { exclude: query?.getAll('exclude') ?? [] });
  if (json) return jsonResponse(engine, report);
  const verbose = query?.has('verbose') ?? false;
  // a passing probe's plain answer is the shared `ok`, whatever its checks
  if (report.status !== 'fail' && !verbose) return OK_RESPONSE;
  return textResponse(statusOf(report), formatText(report, { word: route.word, verbose, details: engine.details }));
}

function internalError(): ProbeResponse {
  return textResponse(500, 'internal error\n');
}

function wantsJson(accept: string | null | undefined): boolean {
  return accept !== undefined && accept !== null && (accept.includes('application/health+json') || accept.includes('application/json'));
}

function statusOf(report: ProbeReport): number {
  return report.status === 'fail' ? 503 : 200;
}

function textResponse(status: number, body: string): ProbeResponse {
  return { status, body, headers: { 'content-type': TEXT_TYPE, 'content-length': String(Buffer.byteLength(body)), ...BASE_HEADERS } };
}

function frozen(response: ProbeResponse): ProbeResponse {
  return Object.freeze({ ...response, headers: Object.freeze({ ...response.headers }) });
}

function jsonResponse(engine: ProbeEngine, report: ProbeReport): ProbeResponse {
  const body = formatJson(report, engine.identity, engine.details);
  return {
    status: statusOf(report),
    body,
    headers: { 'content-type': JSON_TYPE, 'content-length': String(Buffer.byteLength(body)), ...BASE_HEADERS },
  };
}
