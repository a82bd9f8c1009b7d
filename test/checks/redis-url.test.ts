/**
 * redis(url): the line-protocol matrix (test/_helpers/describe-line-check.ts), then what
 * only the URL form does (AUTH, TLS) and building the check. The app's own clients
 * (ioredis, node-redis) are in redis-clients.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { redis } from '../../src/checks/redis.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import type { ChildServer } from '../_helpers/child-server.js';
import { describeLineCheck, lineServers } from '../_helpers/describe-line-check.js';
import { redisClientCount, startRedisServer } from '../_helpers/redis-server.js';
import { runCheck } from '../_helpers/run-check.js';
import { REDIS_URL, requireService } from '../_helpers/services.js';

const servers = lineServers(startRedisServer);

describeLineCheck('redis(url)', servers, {
  check: (port) => redis(`redis://127.0.0.1:${port}`),
  connections: redisClientCount,
  refused: (port) => new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${port}`),
  down: () => /ECONNREFUSED|ECONNRESET|closed/,
});

describe('redis(url)', () => {
  test('passes when PING answers PONG and reports the round trip in ms', async (t) => {
    if (!(await requireService(t, 'redis', 6379))) return;
    const check = redis(REDIS_URL);
    try {
      const outcome = await runCheck(check);
      assert.equal(outcome.ok, true, outcome.reason);
      assert.deepEqual(Object.keys(outcome.value as object), ['observedValue', 'observedUnit']);
      assert.equal((outcome.value as { observedUnit: string }).observedUnit, 'ms');
      assert.equal((await runCheck(check)).ok, true, 'the kept connection is reused');
    } finally {
      await check.close?.();
    }
  });

  test('a wrong password fails with a reason that shows neither password', async () => {
    const secured = await startRedisServer({ requirepass: 'right-pw-123' });
    const wrong = redis(`redis://:wrong-pw-456@127.0.0.1:${secured.port}`);
    const right = redis(`redis://default:right-pw-123@127.0.0.1:${secured.port}`);
    const none = redis(`redis://127.0.0.1:${secured.port}`);
    try {
      const failed = await runCheck(wrong);
      assert.equal(failed.ok, false);
      assert.match(failed.reason ?? '', /AUTH failed: WRONGPASS/);
      assert.doesNotMatch(failed.reason ?? '', /wrong-pw-456|right-pw-123/);
      assert.match((await runCheck(none)).reason ?? '', /NOAUTH/);
      const passed = await runCheck(right);
      assert.equal(passed.ok, true, passed.reason);
    } finally {
      for (const check of [wrong, right, none]) check.close?.();
      await secured.kill();
    }
  });

  test('rejects what is neither a client nor a redis URL, naming the supported clients', () => {
    assert.throws(() => redis({} as never), (error: unknown) => {
      assert.ok(error instanceof InvalidOptionError && error instanceof TypeError);
      assert.match(error.message, /ioredis client, a node-redis client/);
      return true;
    });
    assert.throws(() => redis('http://127.0.0.1:6379'), /redis:\/\/host/);
    assert.throws(() => redis('not a url'), InvalidOptionError);
    assert.throws(() => redis(REDIS_URL, { cacheMs: -1 }), /`cacheMs` to be a number ≥ 0/);
    assert.equal(redis(REDIS_URL, { critical: false }).critical, false);
  });
});

describe('redis(rediss://)', () => {
  let dir: string;
  let secure: ChildServer | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shipshape-tls-'));
    // A throwaway self-signed certificate for localhost and 127.0.0.1.
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    secure = await startRedisServer({ tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } });
  });
  after(async () => {
    await secure?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  test('speaks TLS and verifies the certificate: an untrusted one fails', async () => {
    const check = redis(`rediss://127.0.0.1:${secure?.port}`);
    const outcome = await runCheck(check);
    check.close?.();
    assert.match(outcome.reason ?? '', /^self-signed certificate/);
  });

  test('passes when the CA is trusted (NODE_EXTRA_CA_CERTS), by IP and by host name', () => {
    // NODE_EXTRA_CA_CERTS is read when Node starts, hence a child process.
    const script = `
      const { redis } = await import(${JSON.stringify(new URL('../../src/checks/redis.ts', import.meta.url).href)});
      for (const host of ['127.0.0.1', 'localhost']) {
        const check = redis('rediss://' + host + ':${secure?.port}');
        const { observedUnit } = await check.run(AbortSignal.timeout(2000));
        check.close();
        console.log(host, observedUnit);
      }`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') },
      encoding: 'utf8',
    });
    assert.equal(output, '127.0.0.1 ms\nlocalhost ms\n');
  });
});

