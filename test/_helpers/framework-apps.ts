/**
 * One ordinary app per framework, built the same way for every suite: the adapter first
 * (when `probes` is given; with `mount: 'attach'`, attachProbes on the server the framework
 * listens with instead), a body parser, an optional hostile middleware, and the routes
 *   GET /app → 200 "app", POST /echo → the JSON body back, POST /readyz → 201 "app readyz",
 *   GET /boom → throws (the framework's own 500), anything else → the framework's own 404.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Probes } from '../../src/core/probes.js';
import { expressProbes } from '../../src/adapters/express.js';
import { fastifyProbes } from '../../src/adapters/fastify.js';
import { withProbes as withFetchProbes } from '../../src/adapters/fetch.js';
import { honoProbes } from '../../src/adapters/hono.js';
import { koaProbes } from '../../src/adapters/koa.js';
import { attachProbes } from '../../src/adapters/node.js';

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

export type HostileKind = 'auth' | 'rate-limit' | 'throw' | 'not-found';

/** Middleware that refuses what reaches it, and the status it refuses with. */
export const HOSTILE_KINDS: readonly { kind: HostileKind; description: string; status: number }[] = [
  { kind: 'auth', description: 'an auth middleware answering 401', status: 401 },
  { kind: 'rate-limit', description: 'a rate limiter letting 2 requests through', status: 429 },
  { kind: 'throw', description: 'a middleware that throws', status: 500 },
  { kind: 'not-found', description: 'a catch-all 404', status: 404 },
];

export interface AppOptions {
  readonly probes?: Probes;
  readonly hostile?: HostileKind;
  /** Where the probes go: the framework's adapter (default), `attachProbes` on its server, or (Hono) `withProbes` of shipshape/fetch around `app.fetch`. */
  readonly mount?: 'adapter' | 'attach' | 'fetch';
}

export interface AppHandle {
  /** `http://127.0.0.1:PORT` of a real listen(0). */
  readonly base: string;
  /** In-process requests (Fastify `inject`, Hono `app.request`), where the framework has them. */
  readonly inProcess?: (path: string, init?: RequestInit) => Promise<Answer>;
  close(): Promise<void>;
}

export type BuildApp = (options: AppOptions) => Promise<AppHandle>;

/** The same app builder with `mount: 'attach'`: attachProbes on the framework's own server. */
export function attached(build: BuildApp): BuildApp {
  return (options) => build({ ...options, mount: 'attach' });
}

/** Listens on 127.0.0.1 port 0 and closes every connection on close. */
export async function listenNode(server: http.Server): Promise<{ base: string; close(): Promise<void> }> {
  server.listen(0, '127.0.0.1');
  return listening(server);
}

/** Waits until `server` (told to listen on 127.0.0.1 port 0) listens; closes every connection on close. */
export async function listening(server: http.Server): Promise<{ base: string; close(): Promise<void> }> {
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** attachProbes on `server` when the options ask for it. */
function attachIf({ probes, mount }: AppOptions, server: http.Server): void {
  if (probes && mount === 'attach') attachProbes(probes, server);
}

type Express = typeof import('express');

/** Express 4 or 5 (pass the module: `express` or `express4`). */
export function expressApp(express: Express): BuildApp {
  return async (options) => {
    const { probes, hostile, mount } = options;
    const app = express();
    app.set('env', 'test'); // no stack traces on stderr from the default error handler
    if (probes && mount !== 'attach') app.use(expressProbes(probes));
    app.use(express.json());
    let count = 0;
    if (hostile === 'auth') app.use((req, res, next) => (req.headers.authorization ? next() : res.status(401).send('unauthorized')));
    if (hostile === 'rate-limit') app.use((req, res, next) => (++count > 2 ? res.status(429).send('too many requests') : next()));
    if (hostile === 'throw') app.use(() => { throw new Error('hostile'); });
    if (hostile === 'not-found') app.use((req, res) => { res.status(404).send('nothing here'); });
    app.get('/app', (req, res) => { res.type('text').send('app'); });
    app.post('/echo', (req, res) => { res.json({ received: req.body }); });
    app.post('/readyz', (req, res) => { res.status(201).type('text').send('app readyz'); });
    app.get('/boom', () => { throw new Error('boom'); });
    if (mount !== 'attach') return listenNode(http.createServer(app));
    const server = app.listen(0, '127.0.0.1');
    attachIf(options, server);
    return listening(server);
  };
}

type KoaClass = typeof import('koa');

/** Koa 2 or 3 (pass the class: `koa` or `koa2`). */
export function koaApp(Koa: KoaClass): BuildApp {
  return async (options) => {
    const { probes, hostile, mount } = options;
    const app = new Koa();
    app.silent = true; // no error logs for the throwing routes
    if (probes && mount !== 'attach') app.use(koaProbes(probes));
    app.use(async (ctx, next) => {
      if (ctx.is('application/json')) {
        let text = '';
        for await (const chunk of ctx.req) text += chunk;
        (ctx.request as { body?: unknown }).body = JSON.parse(text);
      }
      await next();
    });
    let count = 0;
    if (hostile === 'auth') app.use(async (ctx, next) => (ctx.get('authorization') ? next() : void ((ctx.status = 401), (ctx.body = 'unauthorized'))));
    if (hostile === 'rate-limit') app.use(async (ctx, next) => (++count > 2 ? void ((ctx.status = 429), (ctx.body = 'too many requests')) : next()));
    if (hostile === 'throw') app.use(() => { throw new Error('hostile'); });
    if (hostile === 'not-found') app.use((ctx) => { ctx.status = 404; ctx.body = 'nothing here'; });
    app.use(async (ctx) => {
      const route = `${ctx.method} ${ctx.path}`;
      if (route === 'GET /app' || route === 'HEAD /app') ctx.body = 'app';
      else if (route === 'POST /echo') ctx.body = { received: (ctx.request as { body?: unknown }).body };
      else if (route === 'POST /readyz') [ctx.status, ctx.body] = [201, 'app readyz'];
      else if (route === 'GET /boom') throw new Error('boom');
    });
    if (mount !== 'attach') return listenNode(http.createServer(app.callback()));
    const server = app.listen(0, '127.0.0.1');
    attachIf(options, server);
    return listening(server);
  };
}

/** Fastify 5; in-process requests through `inject` (not with `mount: 'attach'`: inject skips the server). */
export const fastifyApp: BuildApp = async (options) => {
  const { probes, hostile, mount } = options;
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  if (probes && mount !== 'attach') await app.register(fastifyProbes, { probes });
  attachIf(options, app.server);
  let count = 0;
  if (hostile === 'auth') app.addHook('onRequest', async (req, reply) => { if (!req.headers.authorization) return reply.code(401).send('unauthorized'); });
  if (hostile === 'rate-limit') app.addHook('onRequest', async (req, reply) => { if (++count > 2) return reply.code(429).send('too many requests'); });
  if (hostile === 'throw') app.addHook('onRequest', async () => { throw new Error('hostile'); });
  // Fastify's router prefers a specific route to a wildcard, so the catch-all stands alone
  if (hostile === 'not-found') app.all('/*', async (req, reply) => reply.code(404).send('nothing here'));
  else {
    app.get('/app', async () => 'app');
    app.post('/echo', async (req) => ({ received: req.body }));
    app.post('/readyz', async (req, reply) => reply.code(201).send('app readyz'));
    app.get('/boom', async () => { throw new Error('boom'); });
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  if (mount === 'attach') return { base, close: () => app.close() };
  return {
    base,
    async inProcess(path, init) {
      const res = await app.inject({ method: (init?.method ?? 'GET') as 'GET', url: path, headers: init?.headers as Record<string, string>, payload: init?.body as string });
      return { status: res.statusCode, headers: toHeaders(res.headers), body: res.body };
    },
    close: () => app.close(),
  };
};

/**
 * Hono 4 on @hono/node-server; in-process requests through `app.request` (not with `mount:
 * 'attach'`, which goes on the server `serve()` gives: app.request skips it).
 */
export const honoApp: BuildApp = async (options) => {
  const { probes, hostile, mount } = options;
  const { Hono } = await import('hono');
  const { createAdaptorServer, serve } = await import('@hono/node-server');
  const app = new Hono();
  app.onError((error, c) => c.text('Internal Server Error', 500)); // the default, without the console.error
  if (probes && mount !== 'attach' && mount !== 'fetch') app.use(honoProbes(probes));
  let count = 0;
  if (hostile === 'auth') app.use(async (c, next) => (c.req.header('authorization') ? next() : c.text('unauthorized', 401)));
  if (hostile === 'rate-limit') app.use(async (c, next) => (++count > 2 ? c.text('too many requests', 429) : next()));
  if (hostile === 'throw') app.use(async () => { throw new Error('hostile'); });
  if (hostile === 'not-found') app.use(async (c) => c.text('nothing here', 404));
  app.get('/app', (c) => c.text('app'));
  app.post('/echo', async (c) => c.json({ received: await c.req.json() }));
  app.post('/readyz', (c) => c.text('app readyz', 201));
  app.get('/boom', () => { throw new Error('boom'); });
  if (mount === 'attach') {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as http.Server;
    attachIf(options, server);
    return listening(server);
  }
  const fetch = probes && mount === 'fetch' ? withFetchProbes(probes, app.fetch) : app.fetch;
  const handle = await listenNode(createAdaptorServer({ fetch }) as http.Server);
  return {
    ...handle,
    async inProcess(path, init) {
      const response = await (fetch === app.fetch ? app.request(path, init) : fetch(new Request(`http://localhost${path}`, init)));
      return { status: response.status, headers: response.headers, body: await response.text() };
    },
  };
};

/**
 * A plain node:http app (a request listener) with the same routes and hostile kinds, for
 * `attachProbes` on a server of no framework; `mount` is ignored, the probes are attached.
 */
export const nodeApp: BuildApp = async (options) => {
  const { probes, hostile } = options;
  let count = 0;
  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    let body = '';
    for await (const chunk of req) body += chunk;
    if (hostile === 'auth' && !req.headers.authorization) return send(401, 'unauthorized');
    if (hostile === 'rate-limit' && ++count > 2) return send(429, 'too many requests');
    if (hostile === 'throw') return send(500, 'Internal Server Error');
    if (hostile === 'not-found') return send(404, 'nothing here');
    const route = `${req.method} ${req.url}`;
    if (route === 'GET /app' || route === 'HEAD /app') send(200, 'app');
    else if (route === 'POST /echo') send(200, JSON.stringify({ received: JSON.parse(body) }), 'application/json');
    else if (route === 'POST /readyz') send(201, 'app readyz');
    else if (route === 'GET /boom') send(500, 'Internal Server Error');
    else send(404, 'Not Found');
  });
  if (probes) attachProbes(probes, server);
  return listenNode(server);
};

export function toHeaders(raw: Record<string, string | string[] | number | undefined>): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(raw)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : String(value));
  }
  return headers;
}
