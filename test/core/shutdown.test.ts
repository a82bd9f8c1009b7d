/**
 * gracefulShutdown, phase by phase, on real sockets. In-process tests drive it through
 * `controller.shutdown()` with `signals: []` and `exit: false`; everything about real
 * signals runs in child processes (test/_helpers/rollout-apps), never in the test runner.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { withProbes } from '../../src/adapters/node.js';
import { createProbes, type Probes } from '../../src/core/probes.js';
import { gracefulShutdown } from '../../src/core/shutdown/graceful-shutdown.js';
import type { ShutdownOptions, ShutdownServer } from '../../src/core/shutdown/options.js';
import { startApp } from '../_helpers/rollout.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
}

/** GET over `agent` (a fresh connection by default); rejects on a socket error. */
function get(base: string, path: string, agent: http.Agent | false = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(base + path, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** A node:http app with probes: `/work?ms=N` answers after N ms, `/hang` never, `/stream?ms=N` sends headers at once. */
async function startServer(probes: Probes = createProbes()): Promise<{ server: http.Server; base: string }> {
  const server = http.createServer(
    withProbes(probes, (req, res) => {
      const ms = Number(/ms=(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
      if (req.url?.startsWith('/hang')) return;
      if (req.url?.startsWith('/stream')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('part ');
        setTimeout(() => res.end('end'), ms);
        return;
      }
      setTimeout(() => res.end('done'), ms);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function capture(): { lines: string[]; logger: NonNullable<ShutdownOptions['logger']> } {
  const lines: string[] = [];
  return { lines, logger: { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) } };
}

/** In-process: no signal listeners, no exit. */
function inProcess(server: ShutdownServer, options: ShutdownOptions) {
  return gracefulShutdown(server, { signals: [], exit: false, ...options });
}

describe('gracefulShutdown: the timeline', () => {
  it('fails readiness at once, keeps liveness 200 and answers with Connection: close during the delay', async () => {
    const probes = createProbes();
    const { server, base } = await startServer(probes);
    const agent = new http.Agent({ keepAlive: true });
    try {
      assert.equal((await get(base, '/work', agent)).connection, 'keep-alive');
      const controller = inProcess(server, { probes, delayMs: 400, timeoutMs: 2000 });
      const done = controller.shutdown();
      const ready = await get(base, '/readyz');
      assert.equal(ready.status, 503);
      assert.match(ready.body, /^\[-\]shutdown failed: draining$/m);
      const live = await get(base, '/livez', agent);
      assert.deepEqual([live.status, live.body, live.connection], [200, 'ok', 'close']);
      const work = await get(base, '/work', agent);
      assert.deepEqual([work.status, work.connection], [200, 'close']);
      assert.equal(await done, 0);
    } finally {
      agent.destroy();
      server.closeAllConnections();
    }
  });

  it('lets a request in flight when the server stops accepting finish, with Connection: close, and exits 0', async () => {
    const { server, base } = await startServer();
    const started = get(base, '/work?ms=400');
    await sleep(50);
    const controller = inProcess(server, { delayMs: 50, timeoutMs: 5000 });
    const code = controller.shutdown();
    const answer = await started;
    assert.deepEqual([answer.status, answer.body, answer.connection], [200, 'done', 'close']);
    assert.equal(await code, 0);
    assert.equal(server.listening, false);
  });

  it('closes the socket of a response whose headers went out before the signal as soon as it ends', async () => {
    const { server, base } = await startServer();
    const agent = new http.Agent({ keepAlive: true });
    try {
      const streaming = get(base, '/stream?ms=300', agent);
      await sleep(50);
      const started = performance.now();
      const code = await inProcess(server, { delayMs: 10, timeoutMs: 5000 }).shutdown();
      assert.equal((await streaming).body, 'part end');
      assert.equal(code, 0);
      assert.ok(performance.now() - started < 1500, 'the finished keep-alive socket held shutdown');
    } finally {
      agent.destroy();
    }
  });

  it('destroys a request that hangs past timeoutMs and exits 1', async () => {
    const { lines, logger } = capture();
    const { server, base } = await startServer();
    const hanging = get(base, '/hang').then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    await sleep(50);
    const started = performance.now();
    const code = await inProcess(server, { delayMs: 10, timeoutMs: 300, logger }).shutdown();
    const elapsed = performance.now() - started;
    assert.equal(code, 1);
    assert.equal(await hanging, 'ECONNRESET');
    assert.ok(elapsed >= 300 && elapsed < 300 + 10 + 200, `took ${Math.round(elapsed)} ms`);
    assert.ok(lines.some((l) => /^warn shutdown: http server still open after 300 ms: destroyed 1 connection/.test(l)), lines.join('\n'));
  });

  it('is not held by an idle keep-alive connection nor by a socket that connected and never sent a byte', async () => {
    const { server, base } = await startServer();
    const agent = new http.Agent({ keepAlive: true });
    await get(base, '/work', agent); // leaves one idle keep-alive socket in the agent
    const silent = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => silent.once('connect', resolve));
    const silentClosed = new Promise((resolve) => silent.once('close', resolve));
    silent.on('error', () => {});
    try {
      const started = performance.now();
      const code = await inProcess(server, { delayMs: 10, timeoutMs: 10_000 }).shutdown();
      assert.equal(code, 0);
      assert.ok(performance.now() - started < 1000, `took ${Math.round(performance.now() - started)} ms`);
      await silentClosed;
    } finally {
      agent.destroy();
      silent.destroy();
    }
  });
});

describe('gracefulShutdown: hooks, probes and exit', () => {
  it('runs the hooks in order after the server has closed, then closes the probes', async () => {
    const order: string[] = [];
    const probes = createProbes();
    const close = probes.close.bind(probes);
    Object.assign(probes, { close: () => (order.push('probes.close'), close()) });
    const { server } = await startServer(probes);
    const code = await inProcess(server, {
      probes,
      delayMs: 10,
      onShutdown: [() => order.push(`first listening=${server.listening}`), async () => (await sleep(20), order.push('second'))],
    }).shutdown();
    assert.equal(code, 0);
    assert.deepEqual(order, ['first listening=false', 'second', 'probes.close']);
  });

  it('cuts a hanging hook at hookTimeoutMs, aborts its signal, runs the next hook and exits 1', async () => {
    const { lines, logger } = capture();
    let aborted = false;
    let nextRan = false;
    const started = performance.now();
    const code = await inProcess(null, {
      delayMs: 0,
      hookTimeoutMs: 200,
      logger,
      onShutdown: [
        function hangs(signal) {
          signal.addEventListener('abort', () => (aborted = true));
          return new Promise(() => {});
        },
        () => (nextRan = true),
      ],
    }).shutdown();
    const elapsed = performance.now() - started;
    assert.equal(code, 1);
    assert.ok(aborted && nextRan);
    assert.ok(elapsed >= 200 && elapsed < 200 + 100, `took ${Math.round(elapsed)} ms`);
    assert.ok(lines.includes('error shutdown: onShutdown hook #1 (hangs) timed out after 200 ms'), lines.join('\n'));
  });

  it('exits 1 when a hook throws, and logs its redacted reason', async () => {
    const { lines, logger } = capture();
    const code = await inProcess(null, { delayMs: 0, logger, onShutdown: () => Promise.reject(new Error('connect postgres://u:hunter2@db/x failed')) }).shutdown();
    assert.equal(code, 1);
    const line = lines.find((l) => l.startsWith('error shutdown: onShutdown hook #1 failed'));
    assert.ok(line && !line.includes('hunter2'), lines.join('\n'));
  });

  it('calls exit with the code, or leaves it to the caller with exit: false', async () => {
    const codes: number[] = [];
    const controller = gracefulShutdown(null, { signals: [], delayMs: 0, exit: (code) => codes.push(code) });
    assert.equal(await controller.shutdown(), 0);
    assert.deepEqual(codes, [0]);
    const quiet = gracefulShutdown(null, { signals: [], delayMs: 0, exit: false, onShutdown: () => { throw new Error('x'); } });
    assert.equal(await quiet.shutdown(), 1);
    assert.equal(await quiet.done, 1);
  });

  it('is idempotent: a second shutdown() returns the same run', async () => {
    let runs = 0;
    const controller = inProcess(null, { delayMs: 20, onShutdown: () => (runs += 1) });
    const [a, b] = await Promise.all([controller.shutdown(), controller.shutdown('again')]);
    assert.deepEqual([a, b, runs], [0, 0, 1]);
  });

  it('removes its signal listeners after the shutdown and on dispose()', async () => {
    const before = [process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')];
    const first = gracefulShutdown(null, { delayMs: 0, exit: false });
    assert.deepEqual([process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')], [before[0]! + 1, before[1]! + 1]);
    await first.shutdown();
    assert.deepEqual([process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')], before);
    const second = gracefulShutdown(null, { signals: ['SIGTERM'], exit: false });
    assert.equal(process.listenerCount('SIGTERM'), before[0]! + 1);
    second.dispose();
    assert.deepEqual([process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')], before);
  });
});

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

describe('gracefulShutdown: options', () => {
  it('warns at start when delayMs + timeoutMs + hooks × hookTimeoutMs exceeds gracePeriodMs', async (t) => {
    const { lines, logger } = capture();
    inProcess(null, { delayMs: 5000, timeoutMs: 25_000, onShutdown: [() => {}], logger }).dispose();
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^warn shutdown: delayMs \+ timeoutMs \+ 1 × hookTimeoutMs = 35000 ms exceeds gracePeriodMs 30000 ms/);
    inProcess(null, { delayMs: 5000, timeoutMs: 20_000, onShutdown: [() => {}], logger }).dispose();
    assert.equal(lines.length, 1, 'no warning when it fits');

    t.plan(2);
    const onWarning = (warning: Error & { code?: string }): void => {
      t.assert.equal(warning.name, 'ShipshapeWarning');
      t.assert.equal(warning.code, 'SHIPSHAPE_GRACE_PERIOD');
    };
    process.on('warning', onWarning);
    try {
      inProcess(null, { timeoutMs: 30_000 }).dispose(); // no logger: process.emitWarning
      await sleep(10); // 'warning' is emitted on the next tick
    } finally {
      process.removeListener('warning', onWarning);
    }
  });

  it('rejects a bad server, signal, duration, hook, exit or option with a message naming it', () => {
    const cases: [ShutdownServer | unknown, Record<string, unknown>, RegExp][] = [
      [undefined, {}, /`server` to be an http\(s\)\.Server, a Fastify instance, an object with close\(\), or null, got `undefined`/],
      [{}, {}, /`server`.*got an object/],
      [null, { signals: ['SIGTERMS'] }, /`signals` to hold signal names.*got `"SIGTERMS"`/],
      [null, { signals: ['SIGKILL'] }, /not SIGKILL or SIGSTOP/],
      [null, { signals: 'SIGTERM' }, /`signals` to be an array/],
      [null, { timeoutMs: 0 }, /`timeoutMs` to be a positive number/],
      [null, { delayMs: -1 }, /`delayMs` to be a number ≥ 0, got `-1`/],
      [null, { onShutdown: ['x'] }, /`onShutdown` to be a function or an array of functions/],
      [null, { exit: true }, /`exit` to be a function/],
      [null, { probes: {} }, /`probes` to be a createProbes\(\) result/],
      [null, { delay: 5 }, /Unknown option `delay`/],
    ];
    const listeners = process.listenerCount('SIGTERM');
    for (const [server, options, message] of cases) {
      assert.throws(() => gracefulShutdown(server as ShutdownServer, { exit: false, ...options }), (error: Error & { code?: string }) => {
        assert.ok(error instanceof TypeError);
        assert.equal(error.code, 'SHIPSHAPE_INVALID_OPTION');
        assert.match(error.message, message);
        return true;
      });
    }
    assert.equal(process.listenerCount('SIGTERM'), listeners, 'a rejected call leaves no listener behind');
  });
});

describe('gracefulShutdown: real signals (child processes)', () => {
  it('SIGTERM runs the whole shutdown and exits 0; the hook ran', async () => {
    const app = await startApp('node-http', { DELAY_MS: '100' });
    try {
      app.child.kill('SIGTERM');
      assert.equal(await app.exited, 0);
      assert.match(app.stderr(), /hook ran/);
      assert.match(app.stderr(), /exit code 0/);
    } finally {
      await app.kill();
    }
  });

  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`a second ${signal} exits at once with ${code}`, async () => {
      const app = await startApp('node-http', { DELAY_MS: '10000' });
      try {
        app.child.kill(signal);
        await sleep(200);
        const sent = performance.now();
        app.child.kill(signal);
        assert.equal(await app.exited, code);
        assert.ok(performance.now() - sent < 500, `took ${Math.round(performance.now() - sent)} ms`);
        assert.match(app.stderr(), new RegExp(`second signal ${signal}: exiting now with ${code}`));
      } finally {
        await app.kill();
      }
    });
  }

  it('a hook that hangs is cut at hookTimeoutMs and the process exits 1', async () => {
    const app = await startApp('express', { DELAY_MS: '10', HOOK: 'hang', HOOK_TIMEOUT_MS: '300' });
    try {
      const sent = performance.now();
      app.child.kill('SIGTERM');
      assert.equal(await app.exited, 1);
      assert.ok(performance.now() - sent < 2000);
      assert.match(app.stderr(), /onShutdown hook #1 \(hang\) timed out after 300 ms/);
      assert.match(app.stderr(), /hook ran/, 'the next hook still ran');
    } finally {
      await app.kill();
    }
  });

  it('only the configured signals start it', async () => {
    const app = await startApp('node-http', { DELAY_MS: '10', SIGNALS: 'SIGUSR2' });
    try {
      app.child.kill('SIGUSR2');
      assert.equal(await app.exited, 0);
    } finally {
      await app.kill();
    }
  });
});
