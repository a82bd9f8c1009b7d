/**
 * The kinds of server gracefulShutdown stops (src/core/shutdown/target.ts): Fastify, https,
 * and any `{ close() }` (a promise, a callback, one that never settles); several in one array.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { createProbes } from '../../../src/core/probes.js';
import { connect, h2Get, listenH2 } from '../../_helpers/http2.js';
import { capture, get, inProcess, sleep, startServer } from '../../_helpers/shutdown.js';

describe('gracefulShutdown: servers', () => {
  it('Fastify: serves during the delay, drains, runs its onClose hooks and destroys a hanging request (exit 1)', async () => {
    const probes = createProbes();
    const app = Fastify();
    const closed: string[] = [];
    app.addHook('onClose', async () => void closed.push('onClose'));
    app.get('/hang', () => new Promise(() => {}));
    app.get('/work', async () => 'done');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const hanging = get(base, '/hang').catch((error: NodeJS.ErrnoException) => error.code);
    await sleep(50);
    const code = inProcess(app, { probes, delayMs: 200, timeoutMs: 300 }).shutdown();
    const work = await get(base, '/work');
    assert.deepEqual([work.status, work.connection], [200, 'close']);
    assert.equal(await code, 1);
    assert.equal(await hanging, 'ECONNRESET');
    assert.deepEqual(closed, ['onClose']);
  });

  it('Fastify: exits 0 when nothing is left in flight', async () => {
    const app = Fastify();
    app.get('/work', async () => 'done');
    await app.listen({ port: 0, host: '127.0.0.1' });
    await get(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, '/work');
    assert.equal(await inProcess(app, { delayMs: 10, timeoutMs: 2000 }).shutdown(), 0);
    assert.equal(app.server.listening, false);
  });

  it('https: drains a request in flight with Connection: close and exits 0', async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shipshape-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/k.pem`, '-out', `${dir}/c.pem`, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    } catch {
      rmSync(dir, { recursive: true, force: true });
      return t.skip('openssl is not installed: cannot make a test certificate');
    }
    const server = https.createServer({ key: readFileSync(`${dir}/k.pem`), cert: readFileSync(`${dir}/c.pem`) }, (req, res) => void setTimeout(() => res.end('done'), 300));
    rmSync(dir, { recursive: true, force: true });
    const controller = inProcess(server, { delayMs: 50, timeoutMs: 3000 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
    const get = (): Promise<[number | undefined, string | undefined]> =>
      new Promise((resolve, reject) => {
        https.get(`https://127.0.0.1:${(server.address() as AddressInfo).port}/`, { agent }, (res) => {
          res.resume().on('end', () => resolve([res.statusCode, res.headers.connection]));
        }).on('error', reject);
      });
    try {
      assert.deepEqual(await get(), [200, 'keep-alive']);
      const inFlight = get();
      await sleep(50);
      const code = controller.shutdown();
      assert.deepEqual(await inFlight, [200, 'close']);
      assert.equal(await code, 0);
    } finally {
      agent.destroy();
    }
  });

  it('awaits any { close() }: a promise, a callback; one that never settles is cut at timeoutMs (exit 1)', async () => {
    let closed = 0;
    assert.equal(await inProcess({ close: async () => void (closed += 1) }, { delayMs: 0 }).shutdown(), 0);
    assert.equal(await inProcess({ close: (done: () => void) => void setTimeout(() => ((closed += 1), done()), 20) }, { delayMs: 0 }).shutdown(), 0);
    assert.equal(closed, 2);
    const started = performance.now();
    assert.equal(await inProcess({ close: () => new Promise(() => {}) }, { delayMs: 0, timeoutMs: 200 }).shutdown(), 1);
    assert.ok(performance.now() - started < 200 + 100);
  });

  it('several servers in an array follow one timeline: drained together, stopped together after delayMs, waited for together, hooks once', async () => {
    const { lines, logger } = capture();
    const probes = createProbes();
    const { server: api, base: apiBase } = await startServer(probes);
    const internal = http2.createServer((req, res) => void setTimeout(() => res.end('h2 done'), Number(/ms=(\d+)/.exec(req.url)?.[1] ?? 0)));
    const hooks: string[] = [];
    const controller = inProcess([api, internal], { probes, delayMs: 300, timeoutMs: 5000, onShutdown: () => void hooks.push('hook'), logger });
    const client = connect(await listenH2(internal));
    try {
      const slowH2 = h2Get(client.session, '/?ms=600');
      await sleep(50);
      const signalled = performance.now();
      const code = controller.shutdown();
      const during = await get(apiBase, '/work?ms=10');
      assert.deepEqual([during.status, during.connection], [200, 'close']);
      assert.equal((await get(apiBase, '/readyz')).status, 503);
      assert.equal((await slowH2).body, 'h2 done'); // in flight across the stop
      assert.equal(await code, 0);
      assert.ok(performance.now() - signalled >= 600 - 50);
      assert.deepEqual([api.listening, internal.listening], [false, false]);
      assert.deepEqual(hooks, ['hook']);
      assert.ok(lines.some((line) => line.includes('readiness fails; http server and http2 server keep serving for 300 ms')), lines.join('\n'));
    } finally {
      client.session.destroy();
    }
  });

  it('several servers: one left with a hanging request makes the exit code 1, and only its connection is destroyed', async () => {
    const { lines, logger } = capture();
    const { server: a, base } = await startServer();
    const { server: b } = await startServer();
    const controller = inProcess([a, b], { delayMs: 10, timeoutMs: 300, logger });
    const hanging = get(base, '/hang').catch((error: NodeJS.ErrnoException) => error.code);
    await sleep(50);
    assert.equal(await controller.shutdown(), 1);
    assert.equal(await hanging, 'ECONNRESET');
    assert.ok(lines.some((line) => /still open after 300 ms: destroyed 1 connection/.test(line)), lines.join('\n'));
    assert.deepEqual([a.listening, b.listening], [false, false]);
  });
});
