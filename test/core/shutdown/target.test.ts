/**
 * The kinds of server gracefulShutdown stops (src/core/shutdown/target.ts): Fastify, https,
 * and any `{ close() }` (a promise, a callback, one that never settles).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { createProbes } from '../../../src/core/probes.js';
import { get, inProcess, sleep } from '../../_helpers/shutdown.js';

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
});
