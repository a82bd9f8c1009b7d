import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createProbes } from '../../src/index.js';
import { withProbes } from '../../src/adapters/node.js';

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** Sends a raw request line (for the absolute form, which fetch never sends). */
function raw(base: string, request: string): Promise<string> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(request));
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
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
    const answer = await raw(base, 'GET http://app.test/readyz?verbose HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n');
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
});

describe('shipshape/node errors', () => {
  it('withProbes refuses something that is not a probes instance, or a handler that is not a function', () => {
    for (const value of [undefined, {}, { handle: () => false }, 'probes']) {
      assert.throws(() => withProbes(value as never), { name: 'InvalidOptionError', message: /`probes` to be the result of createProbes\(\)/ });
    }
    assert.throws(() => withProbes(createProbes(), 'app' as never), { name: 'InvalidOptionError', message: /`handler` to be a request listener/ });
  });

  it('a response that cannot be written drops the socket instead of an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const probes = createProbes();
    // another listener wrote the headers first: the probe's writeHead throws ERR_HTTP_HEADERS_SENT
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.flushHeaders();
      probes.handle(req, res);
    });
    const url = await listen(server);
    try {
      const answer = await raw(url, 'GET /livez HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.match(answer, /^HTTP\/1.1 200 OK/);
      assert.doesNotMatch(answer, /\r\n\r\nok$/, 'the probe body never went out');
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      server.closeAllConnections();
      server.close();
    }
  });
});
