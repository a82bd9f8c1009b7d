import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis, type RedisOptions } from 'ioredis';
import * as redis6 from 'redis';
import * as redis4 from 'redis4';
import * as redis5 from 'redis5';
import { redis } from '../../src/checks/redis.js';
import type { CheckSpec } from '../../src/core/check.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { type ChildServer, startRedisServer } from '../_helpers/redis-server.js';
import { runCheck } from '../_helpers/run-check.js';
import { REDIS_URL, requireService } from '../_helpers/services.js';
import { type Blackhole, refusedPort, startBlackhole } from '../_helpers/sockets.js';

const TIMEOUT = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: CheckSpec, ok: boolean, withinMs = 5000) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const outcome = await runCheck(check, TIMEOUT);
    if (outcome.ok === ok || Date.now() > deadline) return outcome;
    await sleep(50);
  }
}

/** Open client connections on a redis-server, ours excluded. */
async function clientCount(port: number): Promise<number> {
  const admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  await admin.connect();
  const list = (await admin.client('LIST')) as string;
  await admin.quit();
  return list.trim().split('\n').length - 1;
}

/** Makes a redis-server hold every command for `ms` (a hung server, for real). */
async function pauseServer(port: number, ms: number): Promise<void> {
  const admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  await admin.connect();
  await admin.call('CLIENT', 'PAUSE', String(ms), 'ALL');
  admin.disconnect();
}

let blackhole: Blackhole;
let extra: ChildServer;
before(async () => {
  blackhole = await startBlackhole();
  extra = await startRedisServer();
});
after(async () => {
  await blackhole.close();
  await extra.kill();
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

  test('fails fast on a refused port with a short reason', async () => {
    const port = await refusedPort();
    const check = redis(`redis://127.0.0.1:${port}`);
    const outcome = await runCheck(check, 2000);
    check.close?.();
    assert.equal(outcome.ok, false);
    assert.match(outcome.reason ?? '', new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
    assert.ok(outcome.elapsedMs < 500, `took ${outcome.elapsedMs} ms`);
  });

  test('fails at the timeout on a blackhole and closes its socket', async () => {
    const check = redis(`redis://127.0.0.1:${blackhole.port}`);
    const outcome = await runCheck(check, TIMEOUT);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.reason, `timed out after ${TIMEOUT} ms`);
    assert.ok(outcome.elapsedMs < TIMEOUT + 50, `took ${outcome.elapsedMs} ms`);
    await blackhole.waitForAllClosed(500);
    check.close?.();
  });

  test('fails while the server is down and passes again after it restarts, without crashing', async () => {
    const check = redis(`redis://127.0.0.1:${extra.port}`);
    try {
      assert.equal((await runCheck(check, TIMEOUT)).ok, true);
      await extra.stop();
      const down = await runCheck(check, TIMEOUT);
      assert.equal(down.ok, false);
      assert.match(down.reason ?? '', /ECONNREFUSED|ECONNRESET|closed/);
      await extra.start();
      const up = await until(check, true);
      assert.equal(up.ok, true, up.reason);
    } finally {
      check.close?.();
    }
  });

  test('keeps one connection and frees it on close(), which is idempotent', async () => {
    const check = redis(`redis://127.0.0.1:${extra.port}`);
    const before = await clientCount(extra.port);
    await Promise.all([runCheck(check), runCheck(check)]);
    assert.equal((await runCheck(check)).ok, true);
    assert.equal(await clientCount(extra.port), before + 1);
    await check.close?.();
    await check.close?.();
    await sleep(50);
    assert.equal(await clientCount(extra.port), before);
    const closed = await runCheck(check);
    assert.equal(closed.ok, false);
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

describe('redis(ioredis)', () => {
  const clients: Redis[] = [];
  const client = (options: RedisOptions) => {
    const made = new Redis({ host: '127.0.0.1', retryStrategy: () => 20, ...options });
    made.on('error', () => {});
    clients.push(made);
    return made;
  };
  after(() => {
    for (const made of clients) made.disconnect();
  });

  test('passes with a connected client', async (t) => {
    if (!(await requireService(t, 'redis', 6379))) return;
    const outcome = await runCheck(redis(client({ port: 6379, lazyConnect: true })));
    assert.equal(outcome.ok, true, outcome.reason);
  });

  test('fails fast when the client is offline, without queueing a PING', async () => {
    const port = await refusedPort();
    const outcome = await runCheck(redis(client({ port })), TIMEOUT);
    assert.equal(outcome.ok, false);
    assert.match(outcome.reason ?? '', /redis client not connected \((connecting|reconnecting)\)/);
    assert.ok(outcome.elapsedMs < 50, `took ${outcome.elapsedMs} ms`);
  });

  test('waits for a client still making its first connection and passes once it is ready', async (t) => {
    if (!(await requireService(t, 'redis', 6379))) return;
    const app = client({ port: 6379 });
    assert.equal(app.status, 'connecting', 'the first probe comes right after the app created its client');
    const outcome = await runCheck(redis(app), TIMEOUT);
    assert.equal(outcome.ok, true, outcome.reason);
  });

  test('waits on a blackhole, where the first connection never completes, until the timeout', async () => {
    const outcome = await runCheck(redis(client({ port: blackhole.port })), TIMEOUT);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.reason, `timed out after ${TIMEOUT} ms`);
    assert.ok(outcome.elapsedMs < TIMEOUT + 50, `took ${outcome.elapsedMs} ms`);
  });

  test('fails at once, with the reason, when a client that was ready has lost its server', async () => {
    const app = client({ port: extra.port });
    const check = redis(app);
    assert.equal((await until(check, true)).ok, true);
    await extra.stop();
    while (app.status === 'ready') await sleep(5);
    const outcome = await runCheck(check, TIMEOUT);
    assert.equal(outcome.ok, false);
    assert.match(outcome.reason ?? '', /^redis client not connected \((reconnecting|connecting|close)\)/);
    assert.ok(outcome.elapsedMs < 50, `took ${outcome.elapsedMs} ms`);
    await extra.start();
    assert.equal((await until(check, true)).ok, true);
  });

  test('returns at the timeout when a ready client gets no answer', async () => {
    const app = client({ port: extra.port });
    const check = redis(app);
    assert.equal((await until(check, true)).ok, true);
    await pauseServer(extra.port, 800);
    const outcome = await runCheck(check, TIMEOUT);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.reason, `timed out after ${TIMEOUT} ms`);
    assert.ok(outcome.elapsedMs < TIMEOUT + 50, `took ${outcome.elapsedMs} ms`);
    await sleep(600);
  });

  test('fails while the server restarts and passes once the client reconnects', async () => {
    const app = client({ port: extra.port });
    const check = redis(app);
    assert.equal((await until(check, true)).ok, true);
    await extra.stop();
    assert.equal((await until(check, false)).ok, false);
    await extra.start();
    const up = await until(check, true);
    assert.equal(up.ok, true, up.reason);
  });
});

// Three major versions with incompatible generic types; the test only calls
// createClient({ url, socket }), on, connect and destroy/disconnect.
type CreateClient = (options: object) => {
  on(event: 'error', listener: () => void): unknown;
  connect(): Promise<unknown>;
  isOpen: boolean;
  ping(): Promise<unknown>;
};
const NODE_REDIS: [string, CreateClient][] = [
  ['v4', redis4.createClient as unknown as CreateClient],
  ['v5', redis5.createClient as unknown as CreateClient],
  ['v6', redis6.createClient as unknown as CreateClient],
];

for (const [version, createClient] of NODE_REDIS) {
  describe(`redis(node-redis ${version})`, () => {
    const clients: { destroy?: () => unknown; disconnect?: () => unknown; isOpen: boolean }[] = [];
    const connect = (port: number, options: object = {}) => {
      const made = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: () => 20 }, ...options });
      made.on('error', () => {});
      clients.push(made as never);
      made.connect().catch(() => {});
      return made;
    };
    after(async () => {
      for (const made of clients) if (made.isOpen) await (made.destroy ?? made.disconnect)?.call(made);
    });

    test('passes with a connected client', async (t) => {
      if (!(await requireService(t, 'redis', 6379))) return;
      const check = redis(connect(6379));
      const outcome = await until(check, true);
      assert.equal(outcome.ok, true, outcome.reason);
    });

    test('fails fast while the client is offline (its offline queue is not used)', async () => {
      const outcome = await runCheck(redis(connect(await refusedPort())), TIMEOUT);
      assert.equal(outcome.ok, false);
      assert.match(outcome.reason ?? '', /redis client (not connected|is closed)/);
      assert.ok(outcome.elapsedMs < 50, `took ${outcome.elapsedMs} ms`);
    });

    test('fails within the timeout on a blackhole', async () => {
      const outcome = await runCheck(redis(connect(blackhole.port)), TIMEOUT);
      assert.equal(outcome.ok, false);
      assert.ok(outcome.elapsedMs < TIMEOUT + 50, `took ${outcome.elapsedMs} ms`);
    });

    test('waits for a client still making its first connection and passes once it is ready', async (t) => {
      if (!(await requireService(t, 'redis', 6379))) return;
      const app = connect(6379) as unknown as { isOpen: boolean; isReady: boolean };
      assert.deepEqual([app.isOpen, app.isReady], [true, false], 'the first probe comes right after connect()');
      const outcome = await runCheck(redis(app as never), TIMEOUT);
      assert.equal(outcome.ok, true, outcome.reason);
    });

    test('fails at once when a client that was ready is reconnecting', async () => {
      const app = connect(extra.port) as unknown as { isReady: boolean };
      const check = redis(app as never);
      assert.equal((await until(check, true)).ok, true);
      await extra.stop();
      while (app.isReady) await sleep(5);
      const outcome = await runCheck(check, TIMEOUT);
      assert.equal(outcome.reason, 'redis client not connected (reconnecting)');
      assert.ok(outcome.elapsedMs < 50, `took ${outcome.elapsedMs} ms`);
      await extra.start();
      assert.equal((await until(check, true)).ok, true);
    });

    test('returns at the timeout when a ready client gets no answer', async () => {
      const check = redis(connect(extra.port));
      assert.equal((await until(check, true)).ok, true);
      await pauseServer(extra.port, 800);
      const outcome = await runCheck(check, TIMEOUT);
      assert.equal(outcome.ok, false);
      assert.equal(outcome.reason, `timed out after ${TIMEOUT} ms`);
      assert.ok(outcome.elapsedMs < TIMEOUT + 50, `took ${outcome.elapsedMs} ms`);
      await sleep(600);
    });

    test('fails while the server restarts and passes once the client reconnects', async () => {
      const check = redis(connect(extra.port));
      assert.equal((await until(check, true)).ok, true);
      await extra.stop();
      assert.equal((await until(check, false)).ok, false);
      await extra.start();
      const up = await until(check, true);
      assert.equal(up.ok, true, up.reason);
    });
  });
}
