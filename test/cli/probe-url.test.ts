/**
 * `shipshape probe --url BASE` against real servers on 127.0.0.1: a shipshape app (2xx and
 * 503, a path prefix, ?verbose and health+json passed through, credentials sent and never
 * printed), other servers (a redirect, a 404, an empty 500, a huge body, HTTPS with a
 * self-signed certificate), a refused port and a blackhole within --timeout.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createProbes, NotReady } from '../../src/index.js';
import { withProbes } from '../../src/adapters/node.js';
import { shipshape } from '../_helpers/cli.js';
import { refusedPort, startBlackhole } from '../_helpers/sockets.js';

let down = false;
const seen: { url: string; accept: string | undefined; authorization: string | undefined }[] = [];
const probes = createProbes({
  basePath: '/_health',
  readiness: { db: () => { if (down) throw new NotReady('db: connection refused'); } },
});
const app = http.createServer((req, res) => {
  seen.push({ url: req.url!, accept: req.headers.accept, authorization: req.headers.authorization });
  if (probes.handle(req, res)) return;
  if (req.url === '/moved/readyz') {
    res.writeHead(302, { location: 'http://user:pw@elsewhere.example/login' });
    return void res.end('Found');
  }
  if (req.url === '/empty/readyz') {
    res.writeHead(500);
    return void res.end();
  }
  if (req.url === '/huge/livez') return void res.end('y'.repeat(50_000));
  res.writeHead(404, { 'content-type': 'text/html' });
  res.end('<h1>Not Found</h1>');
});
let base: string;

const lastRequest = () => seen.at(-1)!;

describe('shipshape probe --url', () => {
  before(async () => {
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  after(async () => {
    app.closeAllConnections();
    await new Promise<void>((resolve) => app.close(() => resolve()));
    await probes.close();
  });

  it('asks BASE + the probe’s path, a path prefix included: 2xx → ok, exit 0', async () => {
    for (const [flag, endpoint] of [['--live', '/livez'], ['--health', '/healthz'], ['--ready', '/readyz'], ['--startup', '/startupz']] as const) {
      for (const prefix of ['/_health', '/_health/']) {
        const run = await shipshape(['probe', flag, '--url', base + prefix]);
        assert.deepEqual([run.status, run.stdout, run.stderr], [0, 'ok\n', ''], `${flag} ${prefix}`);
        assert.equal(lastRequest().url, `/_health${endpoint}`);
      }
    }
  });

  it('a 503 → its listing, exit 1; --verbose sends ?verbose, --json asks for health+json', async () => {
    down = true;
    try {
      const run = await shipshape(['probe', '--ready', '--url', `${base}/_health`]);
      assert.equal(run.status, 1);
      assert.equal(run.stdout, '[-]db failed: db: connection refused\nreadyz check failed\n');
      const json = await shipshape(['probe', '--ready', '--json', '--url', `${base}/_health`]);
      assert.equal(json.status, 1);
      assert.equal(lastRequest().accept, 'application/health+json');
      assert.equal((JSON.parse(json.stdout) as { status: string }).status, 'fail');
    } finally {
      down = false;
    }
    const verbose = await shipshape(['probe', '--ready', '--verbose', '--url', `${base}/_health`]);
    assert.equal(lastRequest().url, '/_health/readyz?verbose');
    assert.equal(verbose.stdout, '[+]db ok\nreadyz check passed\n');
    const quiet = await shipshape(['probe', '--ready', '--quiet', '--url', `${base}/_health`]);
    assert.deepEqual([quiet.status, quiet.stdout], [0, '']);
  });

  it('sends credentials in BASE as Basic auth and never prints them', async () => {
    const withCredentials = base.replace('http://', 'http://probe:pw-secret-7@');
    const ok = await shipshape(['probe', '--ready', '--url', `${withCredentials}/_health`]);
    assert.equal(ok.status, 0);
    assert.equal(lastRequest().authorization, `Basic ${Buffer.from('probe:pw-secret-7').toString('base64')}`);
    const missing = await shipshape(['probe', '--ready', '--url', withCredentials]);
    assert.equal(missing.status, 1);
    assert.equal(missing.stdout, '<h1>Not Found</h1>\n');
    const refused = await shipshape(['probe', '--ready', '--url', `http://probe:pw-secret-7@127.0.0.1:${await refusedPort()}/x`]);
    assert.match(refused.stderr, /^shipshape probe: http:\/\/127\.0\.0\.1:\d+\/x\/readyz: connection refused\n$/);
    for (const run of [ok, missing, refused]) assert.ok(!`${run.stdout}${run.stderr}`.includes('pw-secret-7'));
  });

  it('a redirect is not followed: exit 1, saying where it pointed (without credentials)', async () => {
    const run = await shipshape(['probe', '--ready', '--url', `${base}/moved`]);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, `${base}/moved/readyz: HTTP 302, a redirect to http://elsewhere.example/login (not followed: a probe endpoint answers itself)\n`);
  });

  it('another server’s answers: an empty 500 is named; a huge 200 passes, capped at 4 KiB', async () => {
    const empty = await shipshape(['probe', '--ready', '--url', `${base}/empty`]);
    assert.deepEqual([empty.status, empty.stdout], [1, `${base}/empty/readyz: HTTP 500\n`]);
    const huge = await shipshape(['probe', '--live', '--url', `${base}/huge`]);
    assert.equal(huge.status, 0);
    assert.ok(Buffer.byteLength(huge.stdout) <= 4096, `${Buffer.byteLength(huge.stdout)} bytes`);
    assert.match(huge.stdout, /^y+…\n$/);
  });

  it('reaches localhost by name', async () => {
    const run = await shipshape(['probe', '--live', '--url', `${base.replace('127.0.0.1', 'localhost')}/_health`]);
    assert.deepEqual([run.status, run.stdout], [0, 'ok\n']);
  });

  it('exits 1 for a refused port', async () => {
    const port = await refusedPort();
    const run = await shipshape(['probe', '--live', '--url', `http://127.0.0.1:${port}`]);
    assert.equal(run.status, 1);
    assert.equal(run.stderr, `shipshape probe: http://127.0.0.1:${port}/livez: connection refused\n`);
  });

  it('exits 1 within --timeout for a blackhole (accepts, never answers)', async () => {
    const blackhole = await startBlackhole();
    try {
      const run = await shipshape(['probe', '--ready', '--timeout', '0.5', '--url', `http://127.0.0.1:${blackhole.port}`]);
      assert.equal(run.status, 1);
      assert.equal(run.stderr, `shipshape probe: http://127.0.0.1:${blackhole.port}/readyz: no answer within 0.5 s\n`);
      assert.ok(run.elapsedMs < 15_000, `${run.elapsedMs} ms`);
      assert.equal(blackhole.acceptedConnections(), 1);
    } finally {
      await blackhole.close();
    }
  });

  it('asks an HTTPS server without verifying its certificate, as the kubelet does', async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ss-tls-'));
    try {
      try {
        execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/k.pem`, '-out', `${dir}/c.pem`, '-days', '1', '-subj', '/CN=elsewhere'], { stdio: 'ignore' });
      } catch {
        return t.skip('openssl is not installed: cannot make a test certificate');
      }
      const tlsProbes = createProbes();
      const server = https.createServer({ key: readFileSync(`${dir}/k.pem`), cert: readFileSync(`${dir}/c.pem`) }, withProbes(tlsProbes, (_req, res) => res.end()));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const run = await shipshape(['probe', '--live', '--url', `https://127.0.0.1:${(server.address() as AddressInfo).port}`]);
        assert.deepEqual([run.status, run.stdout, run.stderr], [0, 'ok\n', '']);
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
