// An app with shipshape/fetch's withProbes on the runtime's own server, for the runtime tests
// (test/runtimes/): `bun server.mjs KIND` or `deno run -A server.mjs KIND`, KIND being
//   native — Bun.serve() / Deno.serve() with a plain fetch handler behind withProbes
//   hono   — withProbes(probes, app.fetch) of a Hono app on Bun.serve() / Deno.serve()
//   hono-middleware — app.use(honoProbes(probes)) of shipshape/hono, app.fetch on the server
//   probes-fetch — a plain fetch handler asking `await probes.fetch(request)` first (the core)
// It imports the built package by its name, starts SERVERS servers (default 1) on one handler,
// prints `listening PORT...` and hands them (one, or an array of two or more) to
// gracefulShutdown (DELAY_MS, TIMEOUT_MS; phases logged on stderr as `log LEVEL message`).
// Routes: GET /app → "app"; GET /args → what the handler got beside the request; POST
// /readyz → 201 "app readyz"; GET /slow?ms=N → "slow" after N ms; GET /hang → never answers;
// GET /events?linger=N → server-sent events through a ReadableStream, a tick every 50 ms until
// the controller's signal aborts, then `event: bye` and the end N ms later;
// GET /ws → a WebSocket that echoes (native only: Bun's server.upgrade(), Deno.upgradeWebSocket()).
import { createProbes, gracefulShutdown } from 'shipshape';
import { withProbes } from 'shipshape/fetch';

const kind = process.argv[2] ?? 'native';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const probes = createProbes({ readiness: { db: () => {} } });

/** What a fetch handler got: its `this` and arguments, as the runtime passed them. */
function describeCall(self, args) {
  return {
    count: args.length,
    thisIsServer: self !== undefined && self === globalThis.server,
    second: args[1] === globalThis.server ? 'server' : typeof args[1]?.remoteAddr === 'object' ? 'info' : typeof args[1],
  };
}

async function route(request, self, args) {
  const url = new URL(request.url);
  if (['/slow', '/hang', '/events'].includes(url.pathname)) console.error(`request ${url.pathname}`); // arrived: tests wait for it
  if (url.pathname === '/args') return Response.json(describeCall(self, args));
  if (url.pathname === '/readyz' && request.method === 'POST') return new Response('app readyz', { status: 201 });
  if (url.pathname === '/slow') {
    await sleep(Number(url.searchParams.get('ms') ?? 0));
    return new Response('slow');
  }
  if (url.pathname === '/hang') return new Promise(() => {});
  if (url.pathname === '/events') return events(Number(url.searchParams.get('linger') ?? 0));
  if (url.pathname === '/ws' && globalThis.Bun) return args[1].upgrade(request) ? undefined : new Response('no upgrade', { status: 400 });
  if (url.pathname === '/ws') {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (event) => socket.send(event.data);
    return response;
  }
  return new Response('app');
}

/** Server-sent events that end themselves, `linger` ms after the shutdown's signal aborts (a last word, a little later). */
function events(linger) {
  const { signal } = controller;
  const encoder = new TextEncoder();
  let timer;
  const body = new ReadableStream({
    start(stream) {
      stream.enqueue(encoder.encode('data: tick\n\n'));
      timer = setInterval(() => stream.enqueue(encoder.encode('data: tick\n\n')), 50);
      signal.addEventListener('abort', () => {
        clearInterval(timer);
        setTimeout(() => {
          stream.enqueue(encoder.encode('event: bye\ndata: shutting down\n\n'));
          stream.close();
        }, linger);
      }, { once: true });
    },
    cancel: () => clearInterval(timer),
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' } });
}

let fetch;
if (kind.startsWith('hono')) {
  const { Hono } = await import('hono');
  const app = new Hono();
  if (kind === 'hono-middleware') app.use((await import('shipshape/hono')).honoProbes(probes));
  app.all('*', (c) => route(c.req.raw, undefined, [c.req.raw, c.env]));
  fetch = kind === 'hono-middleware' ? app.fetch : withProbes(probes, app.fetch);
} else if (kind === 'probes-fetch') {
  fetch = async function fetch(request, ...rest) {
    return (await probes.fetch(request)) ?? route(request, this, [request, ...rest]);
  };
} else {
  fetch = withProbes(probes, function fetch(request, ...rest) {
    return route(request, this, [request, ...rest]);
  });
}

const serve = () =>
  globalThis.Bun
    ? Bun.serve({ port: 0, hostname: '127.0.0.1', fetch, websocket: { message: (ws, message) => ws.send(message) } })
    : Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, fetch);
const servers = Array.from({ length: Number(process.env.SERVERS ?? 1) }, serve);
const server = servers[0];
globalThis.server = server; // what /args compares against (the first server's requests)

const logger = Object.fromEntries(['info', 'warn', 'error'].map((level) => [level, (message) => console.error(`log ${level} ${message}`)]));
const controller = gracefulShutdown(servers.length === 1 ? server : servers, {
  probes,
  delayMs: Number(process.env.DELAY_MS ?? 0),
  timeoutMs: Number(process.env.TIMEOUT_MS ?? 5000),
  logger,
});
controller.signal.addEventListener('abort', () => logger.info('controller.signal aborted'));
console.log(`listening ${servers.map((each) => (globalThis.Bun ? each.port : each.addr.port)).join(' ')}`);
