// shipshape/node on node:http2 servers (the compatibility API): withProbes, probes.handle and
// attachProbes answer probes on HTTP/2 requests, with no connection-specific header.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { describe, it } from 'node:test';
import { createProbes, gracefulShutdown } from '../../src/index.js';
import { attachProbes, withProbes } from '../../src/adapters/node.js';
import { connect, h2Get, listenH2 } from '../_helpers/http2.js';

describe('shipshape/node on http2', () => {
  it('withProbes answers probes on HTTP/2 requests and hands the others to the handler', async () => {
    const probes = createProbes({ readiness: { db: () => {} } });
    const server = http2.createServer(withProbes(probes, (req, res) => res.end(`app ${req.method} ${req.url}`)));
    const client = connect(await listenH2(server));
    try {
      const live = await h2Get(client.session, '/livez');
      assert.deepEqual([live.status, live.body, live.headers['cache-control']], [200, 'ok', 'no-store']);
      const verbose = await h2Get(client.session, '/readyz?verbose');
      assert.deepEqual([verbose.status, verbose.body], [200, '[+]db ok\nreadyz check passed\n']);
      assert.equal((await h2Get(client.session, '/x')).body, 'app GET /x');
    } finally {
      client.session.destroy();
      server.close();
    }
  });

  it('attachProbes answers before the server’s own listener; with gracefulShutdown readiness fails, and no response carries Connection', async () => {
    const probes = createProbes();
    const server = http2.createServer((req, res) => res.end('app'));
    const detach = attachProbes(probes, server);
    const controller = gracefulShutdown(server, { probes, delayMs: 300, timeoutMs: 2000, signals: [], exit: false });
    const client = connect(await listenH2(server));
    try {
      assert.equal((await h2Get(client.session, '/livez')).body, 'ok');
      void controller.shutdown();
      const again = connect(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
      const ready = await h2Get(again.session, '/readyz');
      assert.deepEqual([ready.status, ready.body, ready.headers.connection], [503, '[-]shutdown failed: draining\nreadyz check failed\n', undefined]);
      assert.equal(await controller.done, 0);
      again.session.destroy();
    } finally {
      detach();
      client.session.destroy();
    }
  });
});
