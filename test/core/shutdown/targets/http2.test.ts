/**
 * gracefulShutdown on node:http2 servers (src/core/shutdown/targets/http2.ts), with node's
 * own http2 client: GOAWAY from drain on, streams in flight finish, new requests succeed on
 * a new connection, what outlives timeoutMs is destroyed (exit 1), and an allowHTTP1 server
 * answers HTTP/1.1 with `Connection: close`.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import { describe, it } from 'node:test';
import { withProbes } from '../../../../src/adapters/node.js';
import { createProbes } from '../../../../src/core/probes.js';
import { connect, h2Get, listenH2, settlesWithin, testCertificate } from '../../../_helpers/http2.js';
import { capture, inProcess, sleep } from '../../../_helpers/shutdown.js';

/** `/work?ms=N` answers `done` after N ms (on the compatibility API, behind the probes); `/hang` never. */
function app(probes = createProbes()) {
  return withProbes<http2.Http2ServerRequest>(probes, (req, res) => {
    if (req.url.startsWith('/hang')) return;
    setTimeout(() => res.end('done'), Number(/ms=(\d+)/.exec(req.url)?.[1] ?? 0));
  });
}

describe('gracefulShutdown: http2 servers', () => {
  it('sends GOAWAY at the signal, finishes the stream in flight, serves a new connection during the delay, exits 0', async () => {
    const probes = createProbes();
    const server = http2.createServer(app(probes));
    const controller = inProcess(server, { probes, delayMs: 1000, timeoutMs: 5000 });
    const base = await listenH2(server);
    const first = connect(base);
    try {
      assert.equal((await h2Get(first.session, '/work')).status, 200);
      const slow = h2Get(first.session, '/work?ms=300');
      await sleep(50);
      const code = controller.shutdown();
      assert.ok(await settlesWithin(first.closed, 3000), 'no GOAWAY: the session stayed open'); // it ends once its last stream has
      assert.deepEqual(first.goaways.slice(0, 1), [[http2.constants.NGHTTP2_NO_ERROR, 3]]);
      const answer = await slow;
      assert.deepEqual([answer.status, answer.body, answer.headers.connection], [200, 'done', undefined]);

      // still in the delay: a new connection is served, then told to go away as well
      const second = connect(base);
      const ready = await h2Get(second.session, '/readyz');
      assert.deepEqual([ready.status, ready.body], [503, '[-]shutdown failed: draining\nreadyz check failed\n']);
      assert.ok(await settlesWithin(second.closed, 3000), 'the session opened during the delay stayed open');
      assert.equal(second.goaways[0]?.[0], http2.constants.NGHTTP2_NO_ERROR);
      assert.equal(await code, 0);
      assert.equal(server.listening, false);
    } finally {
      first.session.destroy();
    }
  });

  it('is not held by an idle session: it gets GOAWAY and closes', async () => {
    const server = http2.createServer(app());
    const controller = inProcess(server, { delayMs: 10, timeoutMs: 10_000 });
    const client = connect(await listenH2(server));
    try {
      await h2Get(client.session, '/work');
      const started = performance.now();
      assert.equal(await controller.shutdown(), 0);
      assert.ok(performance.now() - started < 1500, `took ${Math.round(performance.now() - started)} ms`);
      assert.ok(await settlesWithin(client.closed, 3000));
      assert.equal(client.goaways[0]?.[0], http2.constants.NGHTTP2_NO_ERROR);
    } finally {
      client.session.destroy();
    }
  });

  it('destroys a stream that outlives timeoutMs and exits 1', async () => {
    const { lines, logger } = capture();
    const server = http2.createServer(app());
    const controller = inProcess(server, { delayMs: 10, timeoutMs: 300, logger });
    const client = connect(await listenH2(server));
    try {
      const hanging = h2Get(client.session, '/hang').then(
        () => 'answered',
        (error: NodeJS.ErrnoException) => error.code,
      );
      await sleep(50);
      const started = performance.now();
      assert.equal(await controller.shutdown(), 1);
      assert.ok(performance.now() - started < 300 + 10 + 500);
      assert.match(String(await hanging), /^ERR_H/);
      assert.ok(lines.some((line) => /^warn shutdown: http2 server still open after 300 ms: destroyed 1 connection/.test(line)), lines.join('\n'));
    } finally {
      client.session.destroy();
    }
  });

  it('createSecureServer with allowHTTP1: HTTP/2 gets GOAWAY, HTTP/1.1 gets Connection: close, both finish', async (t) => {
    const certificate = testCertificate();
    if (!certificate) return t.skip('openssl is not installed: cannot make a test certificate');
    const probes = createProbes();
    const server = http2.createSecureServer({ ...certificate, allowHTTP1: true }, app(probes));
    const controller = inProcess(server, { probes, delayMs: 100, timeoutMs: 5000 });
    const base = await listenH2(server, 'https');
    const client = connect(base);
    const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
    const get1 = (path: string): Promise<[number | undefined, string | undefined, string]> =>
      new Promise((resolve, reject) => {
        https.get(`${base}${path}`, { agent }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve([res.statusCode, res.headers.connection, body]));
        }).on('error', reject);
      });
    try {
      assert.deepEqual(await get1('/livez'), [200, 'keep-alive', 'ok']);
      assert.equal((await h2Get(client.session, '/livez')).body, 'ok');
      const slow1 = get1('/work?ms=400');
      const slow2 = h2Get(client.session, '/work?ms=400');
      await sleep(50);
      const code = controller.shutdown();
      assert.deepEqual(await slow1, [200, 'close', 'done']);
      const answer = await slow2;
      assert.deepEqual([answer.status, answer.body, answer.headers.connection], [200, 'done', undefined]);
      assert.equal(client.goaways[0]?.[0], http2.constants.NGHTTP2_NO_ERROR);
      assert.equal(await code, 0);
    } finally {
      agent.destroy();
      client.session.destroy();
    }
  });

  it('finds a session opened before it was set up by its next stream, and follows the same timeline on a stream-API server', async () => {
    const server = http2.createServer();
    server.on('stream', (stream) => void setTimeout(() => (stream.respond({ ':status': 200 }), stream.end('streamed')), 200));
    const client = connect(await listenH2(server));
    try {
      await h2Get(client.session, '/'); // a session older than the controller
      const controller = inProcess(server, { delayMs: 10, timeoutMs: 5000 });
      const answer = h2Get(client.session, '/');
      await sleep(50);
      const code = await controller.shutdown();
      assert.equal((await answer).body, 'streamed');
      assert.equal(code, 0);
      assert.equal(server.listenerCount('request'), 0, 'the compatibility API was switched on');
    } finally {
      client.session.destroy();
    }
  });
});
