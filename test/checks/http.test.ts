import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type net from 'node:net';
import { after, before, test } from 'node:test';
import { http } from '../../src/checks/http.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { runCheck } from '../_helpers/run-check.js';
import { refusedPort } from '../_helpers/sockets.js';

const TIMEOUT = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: Server;
let base: string;
const open = new Set<net.Socket>();
let authorization: string | undefined;

before(async () => {
  server = createServer((request, response) => {
    authorization = request.headers.authorization;
    const path = request.url ?? '/';
    if (path === '/ok') return void response.end('fine');
    if (path === '/fail') return void response.writeHead(500).end('broken');
    if (path === '/created') return void response.writeHead(201).end();
    if (path === '/moved') return void response.writeHead(301, { location: '/ok' }).end();
    if (path === '/moved-to-fail') return void response.writeHead(302, { location: `${base}/fail` }).end();
    if (path === '/loop') return void response.writeHead(302, { location: '/loop' }).end();
    if (path === '/endless') {
      response.writeHead(200);
      response.write('x'); // a body that never ends
      return;
    }
    // '/hang': never answers
  });
  server.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

async function allClosed(): Promise<void> {
  for (let waited = 0; open.size > 0; waited += 10) {
    if (waited > 500) assert.fail(`${open.size} connection(s) still open on the server`);
    await sleep(10);
  }
}

test('passes on 200, reports the time to the headers in ms, and leaves no connection open', async () => {
  const outcome = await runCheck(http(`${base}/ok`));
  assert.equal(outcome.ok, true, outcome.reason);
  assert.equal((outcome.value as { observedUnit: string }).observedUnit, 'ms');
  await allClosed();
});

test('fails on 500 with the status in the reason', async () => {
  const outcome = await runCheck(http(`${base}/fail`));
  assert.equal(outcome.reason, 'HTTP 500, expected 2xx or 3xx');
  await allClosed();
});

test('passes on 301 without following it, as the kubelet does', async () => {
  const outcome = await runCheck(http(`${base}/moved`, { status: 301 }));
  assert.equal(outcome.ok, true, outcome.reason);
  assert.equal((await runCheck(http(`${base}/moved-to-fail`))).ok, true);
});

test('follows redirects when asked and judges the last answer', async () => {
  assert.equal((await runCheck(http(`${base}/moved`, { followRedirects: true, status: 200 }))).ok, true);
  const failed = await runCheck(http(`${base}/moved-to-fail`, { followRedirects: true }));
  assert.equal(failed.reason, 'HTTP 500, expected 2xx or 3xx');
  const loop = await runCheck(http(`${base}/loop`, { followRedirects: true }));
  assert.equal(loop.reason, 'stopped after 10 redirects');
  await allClosed();
});

test('takes one status or a list of statuses', async () => {
  assert.equal((await runCheck(http(`${base}/created`, { status: [200, 201] }))).ok, true);
  assert.equal((await runCheck(http(`${base}/ok`, { status: 204 }))).reason, 'HTTP 200, expected 204');
});

test('does not wait for a body that never ends', async () => {
  const outcome = await runCheck(http(`${base}/endless`), TIMEOUT);
  assert.equal(outcome.ok, true, outcome.reason);
  await allClosed();
});

test('fails at the timeout on a server that never answers and closes the connection', async () => {
  const outcome = await runCheck(http(`${base}/hang`), TIMEOUT);
  assert.equal(outcome.reason, `timed out after ${TIMEOUT} ms`);
  assert.ok(outcome.elapsedMs < TIMEOUT + 50, `took ${outcome.elapsedMs} ms`);
  await allClosed();
});

test('fails fast on a refused port', async () => {
  const port = await refusedPort();
  const outcome = await runCheck(http(`http://127.0.0.1:${port}/`), 2000);
  assert.equal(outcome.reason, `connect ECONNREFUSED 127.0.0.1:${port}`);
  assert.ok(outcome.elapsedMs < 500, `took ${outcome.elapsedMs} ms`);
});

test('sends URL credentials as Basic auth and never shows them in a reason', async () => {
  const outcome = await runCheck(http(`http://probe:hunter2-pw@${base.slice(7)}/fail`));
  assert.equal(authorization, `Basic ${Buffer.from('probe:hunter2-pw').toString('base64')}`);
  assert.doesNotMatch(outcome.reason ?? '', /hunter2-pw/);
  assert.throws(() => http('ftp://probe:hunter2-pw@example.com/'), (error: unknown) => {
    assert.ok(error instanceof InvalidOptionError);
    assert.doesNotMatch(error.message, /hunter2-pw/);
    return true;
  });
});

test('rejects bad options at construction, naming them', () => {
  assert.throws(() => http('not a url'), /`http` URL to be an http:\/\/ or https:\/\/ URL, got `"not a url"`/);
  assert.throws(() => http(`${base}/ok`, { status: 700 }), /Expected `status` to be an HTTP status.*got `700`/);
  assert.throws(() => http(`${base}/ok`, { status: [] }), /got an array/);
  assert.throws(() => http(`${base}/ok`, { followRedirects: 'yes' as never }), /`followRedirects` to be true or false/);
  assert.throws(() => http(`${base}/ok`, { redirect: true } as never), /Unknown option `redirect`/);
});
