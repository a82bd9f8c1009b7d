// shipshape/node: withProbes, probes.handle, and attachProbes on every framework's own server.
import { EventEmitter } from 'node:events';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import express4 from 'express4';
import Koa from 'koa';
import Koa2 from 'koa2';
import { createProbes, gracefulShutdown } from '../../src/index.js';
import { attachProbes, withProbes } from '../../src/adapters/node.js';
import { describeAdapter, describePassThrough, describeProbesFirst } from '../_helpers/describe-adapter.js';
import { attached, expressApp, fastifyApp, honoApp, koaApp, nodeApp, type BuildApp } from '../_helpers/framework-apps.js';
import { nestApp } from '../_helpers/nest-apps.js';
import { assertFailedProbeWriteIsContained, rawRequest } from '../_helpers/sockets.js';

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

describe('shipshape/node withProbes', () => {
  const probes = createProbes({ readiness: { db: () => {} } });
  let seen: string[] = [];
  const server = http.createServer(
    withProbes(probes, (req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.setHeader('x-app', '1');
      res.end('app');
    }),
  );
  const bare = http.createServer(withProbes(probes));
  let base = '';
  let bareBase = '';
  before(async () => {
    base = await listen(server);
    bareBase = await listen(bare);
  });
  after(() => {
    for (const s of [server, bare]) {
      s.closeAllConnections();
      s.close();
    }
  });

  it('answers probes before the handler runs, and the handler never sees them', async () => {
    seen = [];
    assert.equal(await (await fetch(`${base}/readyz`)).text(), 'ok');
    assert.deepEqual(seen, []);
  });

  it('hands every other request to the handler untouched', async () => {
    seen = [];
    const response = await fetch(`${base}/api/items?x=1`, { method: 'POST', body: 'a' });
    assert.equal(await response.text(), 'app');
    assert.equal(response.headers.get('x-app'), '1');
    await fetch(`${base}/readyz`, { method: 'POST', body: 'a' }).then((r) => r.text());
    assert.deepEqual(seen, ['POST /api/items?x=1', 'POST /readyz']);
  });

  it('answers 404 to other requests when no handler is given', async () => {
    assert.equal((await fetch(`${bareBase}/x`)).status, 404);
    assert.equal((await fetch(`${bareBase}/livez`)).status, 200);
  });

  it('understands the absolute request form that proxies send', async () => {
    const answer = await rawRequest(Number(new URL(base).port), 'GET http://app.test/readyz?verbose HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n');
    assert.match(answer, /^HTTP\/1.1 200 OK/);
    assert.match(answer, /\[\+\]db ok\nreadyz check passed\n$/);
  });

  it('is usable directly as probes.handle in a request listener', async () => {
    const direct = http.createServer((req, res) => {
      if (!probes.handle(req, res)) res.end('mine');
    });
    const url = await listen(direct);
    try {
      assert.equal(await (await fetch(`${url}/livez`)).text(), 'ok');
      assert.equal(await (await fetch(`${url}/other`)).text(), 'mine');
    } finally {
      direct.closeAllConnections();
      direct.close();
    }
  });

  it("writes a probe's plain ok before handle() returns, and a probe with checks once they settle", async () => {
    const checked = createProbes({ readiness: { slow: () => new Promise((resolve) => setTimeout(resolve, 20)) } });
    const endedOnReturn: Record<string, boolean> = {};
    const server = http.createServer((req, res) => {
      checked.handle(req, res);
      endedOnReturn[req.url!] = res.writableEnded;
    });
    const url = await listen(server);
    try {
      assert.equal(await (await fetch(`${url}/livez`)).text(), 'ok');
      assert.equal(await (await fetch(`${url}/readyz`)).text(), 'ok');
      assert.deepEqual(endedOnReturn, { '/livez': true, '/readyz': false });
    } finally {
      server.closeAllConnections();
      server.close();
      await checked.close();
    }
  });
});

describe('shipshape/node errors', () => {
  it('withProbes refuses something that is not a probes instance, or a handler that is not a function', () => {
    for (const value of [undefined, {}, { handle: () => false }, 'probes']) {
      assert.throws(() => withProbes(value as never), { name: 'InvalidOptionError', message: /`probes` to be the result of createProbes\(\)/ });
    }
    assert.throws(() => withProbes(createProbes(), 'app' as never), { name: 'InvalidOptionError', message: /`handler` to be a request listener/ });
  });

  it('a response that cannot be written drops the socket instead of an unhandled rejection', async () => {
    const probes = createProbes();
    // another listener wrote the headers first: the probe's writeHead throws ERR_HTTP_HEADERS_SENT
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.flushHeaders();
      probes.handle(req, res);
    });
    const url = await listen(server);
    try {
      await assertFailedProbeWriteIsContained(Number(new URL(url).port));
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

// --- attachProbes ---

const ATTACHED: readonly [string, BuildApp][] = [
  ['a plain node:http server', nodeApp],
  ['Express 5 app.listen()', attached(expressApp(express))],
  ['Express 4 app.listen()', attached(expressApp(express4))],
  ['Koa 3 app.listen()', attached(koaApp(Koa))],
  ['Koa 2 app.listen()', attached(koaApp(Koa2))],
  ['Fastify 5 fastify.server', attached(fastifyApp)],
  ['Hono 4 serve()', attached(honoApp)],
  ['Nest 11 (express platform) app.getHttpServer()', attached(nestApp('express'))],
  ['Nest 11 (fastify platform) app.getHttpServer()', attached(nestApp('fastify'))],
];

for (const [name, build] of ATTACHED) {
  describeAdapter(`attachProbes on ${name}:`, build);
  describeProbesFirst(`attachProbes on ${name}`, build);
  describePassThrough(`attachProbes on ${name}`, build);
}

describe('shipshape/node attachProbes', () => {
  const app = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.setHeader('x-app', '1');
    res.end(`app ${req.method} ${req.url}`);
  };

  it('answers before listeners added after the call, once() ones included', async () => {
    const server = http.createServer();
    attachProbes(createProbes(), server);
    const seen: string[] = [];
    server.on('request', (req: http.IncomingMessage) => seen.push(`on ${req.url}`));
    server.once('request', (req: http.IncomingMessage) => seen.push(`once ${req.url}`));
    server.addListener('request', app);
    const base = await listen(server);
    try {
      assert.deepEqual(await textOf(`${base}/livez`), [200, 'ok']);
      assert.deepEqual(seen, []);
      assert.deepEqual(await textOf(`${base}/x`), [200, 'app GET /x']);
      assert.deepEqual(seen, ['on /x', 'once /x']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('answers an Expect: 100-continue probe request itself, also when the app listens to checkContinue', async () => {
    const expect = (port: number, path: string): Promise<string> =>
      rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
    const statusLines = (raw: string): string[] => raw.split('\r\n').filter((line) => line.startsWith('HTTP/1.1 '));
    // the app's own checkContinue listener: node then emits it instead of `request` (lib/_http_server.js)
    const refusing = http.createServer(app);
    refusing.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(417, { 'content-type': 'text/plain' });
      res.end(`app refuses ${req.url}`);
    });
    attachProbes(createProbes(), refusing);
    // no listener of its own: node answers 100 Continue and emits `request`
    const plain = http.createServer(app);
    attachProbes(createProbes(), plain);
    const ports = await Promise.all([refusing, plain].map(async (server) => Number(new URL(await listen(server)).port)));
    try {
      const probe = await expect(ports[0]!, '/readyz');
      assert.deepEqual(statusLines(probe), ['HTTP/1.1 200 OK'], probe);
      assert.ok(probe.endsWith('\r\n\r\nok'), probe);
      const upload = await expect(ports[0]!, '/upload');
      assert.deepEqual(statusLines(upload), ['HTTP/1.1 417 Expectation Failed'], 'the app still answers its own paths');
      assert.match(upload, /\r\napp refuses \/upload\r\n/);
      const defaultProbe = await expect(ports[1]!, '/livez');
      assert.deepEqual(statusLines(defaultProbe), ['HTTP/1.1 100 Continue', 'HTTP/1.1 200 OK'], defaultProbe);
      assert.deepEqual(statusLines(await expect(ports[1]!, '/x')), ['HTTP/1.1 100 Continue', 'HTTP/1.1 200 OK']);
    } finally {
      for (const server of [refusing, plain]) {
        server.closeAllConnections();
        server.close();
      }
    }
  });

  it('lets a listener prepended after the call run first, and its headers reach the probe response', async () => {
    const server = http.createServer(app);
    attachProbes(createProbes(), server);
    const seen: string[] = [];
    server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      seen.push(`first ${req.url}`);
      res.setHeader('x-first', 'yes');
    });
    server.prependOnceListener('request', (req: http.IncomingMessage) => seen.push(`once ${req.url}`));
    const base = await listen(server);
    try {
      const live = await fetch(`${base}/livez`);
      assert.deepEqual([live.status, await live.text(), live.headers.get('x-first')], [200, 'ok', 'yes']);
      assert.equal((await fetch(`${base}/livez`)).headers.get('x-first'), 'yes');
      assert.deepEqual(await textOf(`${base}/x`), [200, 'app GET /x']);
      assert.deepEqual(seen, ['once /livez', 'first /livez', 'first /livez', 'first /x']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('detaches, restoring the server exactly, own properties included', async () => {
    const plain = http.createServer(app);
    const detach = attachProbes(createProbes(), plain);
    assert.ok(Object.hasOwn(plain, 'emit'));
    detach();
    assert.equal(Object.hasOwn(plain, 'emit'), false);
    assert.equal(Object.hasOwn(plain, 'prependListener'), false);
    detach(); // idempotent

    const patched = http.createServer(app);
    const ownEmit = function emit(this: http.Server, ...args: Parameters<http.Server['emit']>): boolean {
      return http.Server.prototype.emit.apply(this, args);
    };
    patched.emit = ownEmit as http.Server['emit'];
    const base = await listen(patched);
    try {
      const undo = attachProbes(createProbes(), patched);
      assert.deepEqual(await textOf(`${base}/livez`), [200, 'ok']);
      undo();
      assert.equal(patched.emit, ownEmit);
      assert.deepEqual(await textOf(`${base}/livez`), [200, 'app GET /livez']);
    } finally {
      patched.closeAllConnections();
      patched.close();
    }
  });

  it('detaching under a wrapper added later leaves the wrapper working, and the probes out', async () => {
    const server = http.createServer(app);
    const detach = attachProbes(createProbes(), server);
    const outer = server.emit;
    const calls: string[] = [];
    server.emit = function (this: http.Server, event: string, ...args: unknown[]): boolean {
      if (event === 'request') calls.push('wrapper');
      return Reflect.apply(outer, this, [event, ...args]) as boolean;
    } as http.Server['emit'];
    const base = await listen(server);
    try {
      detach();
      assert.deepEqual(await textOf(`${base}/livez`), [200, 'app GET /livez']);
      assert.deepEqual(calls, ['wrapper']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('works on an https server and refuses what is not an http(s) or http2 server or probes', () => {
    assert.doesNotThrow(() => attachProbes(createProbes(), https.createServer())());
    for (const value of [undefined, {}, new EventEmitter(), new (class extends EventEmitter { updateSettings() {} })(), 'server']) {
      assert.throws(() => attachProbes(createProbes(), value as never), {
        name: 'InvalidOptionError',
        message: /Expected `server` to be an http\.Server, https\.Server or http2 server \(what app\.listen\(\) of Express and Koa, fastify\.server/,
      });
    }
    assert.throws(() => attachProbes({} as never, http.createServer()), { name: 'InvalidOptionError', message: /`probes` to be the result of createProbes\(\)/ });
    assert.throws(() => attachProbes({} as never, http.createServer()), TypeError);
  });

  it('with gracefulShutdown: while draining, probe and app responses say Connection: close, and readiness fails', async () => {
    const probes = createProbes();
    const server = http.createServer(app);
    const detach = attachProbes(probes, server);
    const base = await listen(server);
    const controller = gracefulShutdown(server, { probes, delayMs: 300, timeoutMs: 2000, signals: [], exit: false });
    const agent = new http.Agent({ keepAlive: true });
    try {
      assert.equal((await get(`${base}/livez`, agent)).connection, 'keep-alive');
      void controller.shutdown();
      const live = await get(`${base}/livez`, agent);
      assert.deepEqual([live.status, live.body, live.connection], [200, 'ok', 'close']);
      const ready = await get(`${base}/readyz`, agent);
      assert.deepEqual([ready.status, ready.body, ready.connection], [503, '[-]shutdown failed: draining\nreadyz check failed\n', 'close']);
      const other = await get(`${base}/x`, agent);
      assert.deepEqual([other.status, other.body, other.connection], [200, 'app GET /x', 'close']);
      assert.equal(await controller.done, 0);
    } finally {
      agent.destroy();
      detach();
      server.closeAllConnections();
    }
  });
});

async function textOf(url: string): Promise<[number, string]> {
  const response = await fetch(url);
  return [response.status, await response.text()];
}

/** GET over `agent`, with the Connection header the server sent. */
function get(url: string, agent: http.Agent): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body, connection: res.headers.connection }));
      })
      .on('error', reject);
  });
}
