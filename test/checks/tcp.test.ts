import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { tcp } from '../../src/checks/tcp.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { runCheck } from '../_helpers/run-check.js';
import { type Blackhole, refusedPort, startBlackhole } from '../_helpers/sockets.js';

let blackhole: Blackhole;
before(async () => {
  blackhole = await startBlackhole();
});
after(() => blackhole.close());

test('passes when the port accepts, reports the connect time in ms, and closes the connection', async () => {
  const check = tcp('127.0.0.1', blackhole.port);
  const outcome = await runCheck(check);
  assert.equal(outcome.ok, true, outcome.reason);
  assert.equal((outcome.value as { observedUnit: string }).observedUnit, 'ms');
  assert.equal(blackhole.acceptedConnections(), 1);
  await blackhole.waitForAllClosed(500);
});

test('resolves localhost and connects', async () => {
  const outcome = await runCheck(tcp('localhost', blackhole.port));
  assert.equal(outcome.ok, true, outcome.reason);
  await blackhole.waitForAllClosed(500);
});

test('connects to an IPv6 address, bracketed or not', async (t) => {
  const server = net.createServer((socket) => socket.destroy());
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => resolve(true));
  });
  if (!listening) return t.skip('no IPv6 loopback on this machine');
  const { port } = server.address() as net.AddressInfo;
  try {
    assert.equal((await runCheck(tcp('::1', port))).ok, true);
    assert.equal((await runCheck(tcp('[::1]', port))).ok, true);
  } finally {
    server.close();
  }
});

test('fails fast on a refused port with a short reason', async () => {
  const port = await refusedPort();
  const outcome = await runCheck(tcp('127.0.0.1', port), 2000);
  assert.equal(outcome.ok, false);
  assert.equal(outcome.reason, `connect ECONNREFUSED 127.0.0.1:${port}`);
  assert.ok(outcome.elapsedMs < 500, `took ${outcome.elapsedMs} ms`);
});

test('fails on localhost naming the refused address', async () => {
  const port = await refusedPort();
  const outcome = await runCheck(tcp('localhost', port), 2000);
  assert.equal(outcome.ok, false);
  assert.match(outcome.reason ?? '', new RegExp(`ECONNREFUSED (127\\.0\\.0\\.1|::1):${port}`));
});

test('rejects an empty host and a bad port at construction', () => {
  assert.throws(() => tcp('', 80), InvalidOptionError);
  assert.throws(() => tcp('db', 0), /`tcp` to have a port from 1 to 65535, got `0`/);
  assert.throws(() => tcp('db', '5432' as never), TypeError);
});

test('carries timeoutMs, critical and cacheMs onto the CheckSpec, validated', () => {
  const spec = tcp('db', 5432, { timeoutMs: 500, critical: false, cacheMs: 1000 });
  assert.deepEqual([spec.timeoutMs, spec.critical, spec.cacheMs], [500, false, 1000]);
  assert.ok(Object.isFrozen(spec));
  assert.equal('timeoutMs' in tcp('db', 5432), false, 'unset fields fall back to createProbes');
  assert.throws(() => tcp('db', 5432, { timeoutMs: -1 }), /`timeoutMs` to be a positive number/);
  assert.throws(() => tcp('db', 5432, { critical: 'no' as never }), /`critical` to be true or false/);
});
