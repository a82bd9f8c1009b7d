/**
 * memcached(servers): the line-protocol matrix (test/_helpers/describe-line-check.ts),
 * then what a server list adds (several servers, default port, a stale kept connection)
 * and building the check; memcached(memjs client) last.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import net from 'node:net';
import { after, describe, test } from 'node:test';
import { memcached, type MemjsClientLike } from '../../src/checks/memcached.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { describeLineCheck, lineServers } from '../_helpers/describe-line-check.js';
import { memcachedConnections, startMemcachedServer } from '../_helpers/memcached-server.js';
import { assertFailedFast, assertTimedOut, runCheck } from '../_helpers/run-check.js';
import { MEMCACHED_SERVER, requireService } from '../_helpers/services.js';
import { refusedPort } from '../_helpers/sockets.js';

// memjs ships no types; the check only needs its structural shape.
const memjs = createRequire(import.meta.url)('memjs') as {
  Client: { create(servers: string, options?: object): MemjsClientLike & { close(): void } };
};

const TIMEOUT = 300;
const MAIN_PORT = Number(MEMCACHED_SERVER.split(':')[1]);
const servers = lineServers(startMemcachedServer);

describeLineCheck('memcached(servers)', servers, {
  check: (port) => memcached(`127.0.0.1:${port}`),
  connections: memcachedConnections,
  refused: (port) => new RegExp(`^127\\.0\\.0\\.1:${port} not responding$`),
  down: (port) => new RegExp(`^127\\.0\\.0\\.1:${port} not responding$`),
});

describe('memcached(servers)', () => {
  test('passes when every server answers version and reports the round trip in ms', async (t) => {
    if (!(await requireService(t, 'memcached', MAIN_PORT))) return;
    const check = memcached(`${MEMCACHED_SERVER}, 127.0.0.1:${servers.extra.port}`);
    try {
      const outcome = await runCheck(check);
      assert.equal(outcome.ok, true, outcome.reason);
      assert.equal((outcome.value as { observedUnit: string }).observedUnit, 'ms');
    } finally {
      check.close?.();
    }
  });

  test('takes an array and uses port 11211 when a server has none', async (t) => {
    if (!(await requireService(t, 'memcached', 11211))) return;
    const check = memcached(['127.0.0.1']);
    const outcome = await runCheck(check);
    check.close?.();
    assert.equal(outcome.ok, true, outcome.reason);
  });

  test('fails naming only the servers that are down', async () => {
    const down = await refusedPort();
    const check = memcached([`127.0.0.1:${servers.extra.port}`, `127.0.0.1:${down}`, `[::1]:${down}`]);
    const outcome = await runCheck(check, 2000);
    check.close?.();
    assertFailedFast(outcome, `127.0.0.1:${down}, [::1]:${down} not responding`, 500);
  });

  test('one server that never answers fails the whole list at the timeout, and its socket is closed', async () => {
    const check = memcached([`127.0.0.1:${servers.extra.port}`, `127.0.0.1:${servers.blackhole.port}`]);
    try {
      const outcome = await runCheck(check, TIMEOUT);
      assertTimedOut(outcome, TIMEOUT);
      await servers.blackhole.waitForAllClosed(500);
    } finally {
      check.close?.();
    }
  });

  test('retries once on a fresh connection when the kept one was reset while idle', async () => {
    // A proxy in front of memcached that answers the next request on a kept connection
    // with a TCP RST, as after a server's or a NAT's silent restart.
    let resetNext = false;
    let accepted = 0;
    const proxy = net.createServer((client) => {
      accepted += 1;
      const backend = net.connect({ host: '127.0.0.1', port: servers.extra.port });
      backend.on('error', () => {});
      client.on('error', () => {});
      backend.on('data', (chunk) => client.write(chunk));
      client.on('data', (chunk) => {
        if (!resetNext) return void backend.write(chunk);
        resetNext = false;
        backend.destroy();
        client.resetAndDestroy();
      });
      client.on('close', () => backend.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const check = memcached(`127.0.0.1:${(proxy.address() as net.AddressInfo).port}`);
    try {
      assert.equal((await runCheck(check)).ok, true);
      resetNext = true;
      const outcome = await runCheck(check);
      assert.equal(outcome.ok, true, outcome.reason);
      assert.equal(accepted, 2);
    } finally {
      check.close?.();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  test('rejects malformed servers and unknown objects at construction', () => {
    assert.throws(() => memcached(''), /got no server/);
    assert.throws(() => memcached('cache:99999'), /port from 1 to 65535, got `"99999"`/);
    assert.throws(() => memcached('user:pw@cache:11211'), /memjs client for SASL/);
    assert.throws(() => memcached('cache', { retries: 2 } as never), /Unknown option `retries`/);
    assert.equal(memcached('cache', { timeoutMs: 250 }).timeoutMs, 250);
    assert.throws(() => memcached({} as never), (error: unknown) => {
      assert.ok(error instanceof InvalidOptionError && error instanceof TypeError);
      assert.match(error.message, /array of "host:port" or a memjs client, got an object/);
      return true;
    });
  });
});

describe('memcached(memjs)', () => {
  const clients: { close(): void }[] = [];
  const client = (servers: string) => {
    const made = memjs.Client.create(servers, { logger: { log() {} }, retries: 0 });
    clients.push(made);
    return made;
  };
  after(() => {
    for (const made of clients) made.close();
  });

  test('passes when every server answers stats', async () => {
    const outcome = await runCheck(memcached(client(`127.0.0.1:${servers.extra.port},127.0.0.1:${MAIN_PORT}`)));
    assert.equal(outcome.ok, true, outcome.reason);
  });

  test('fails naming only the server that is down', async () => {
    const down = await refusedPort();
    const outcome = await runCheck(memcached(client(`127.0.0.1:${servers.extra.port},127.0.0.1:${down}`)), 2000);
    assert.equal(outcome.reason, `127.0.0.1:${down} not responding`);
  });

  test('returns at the timeout when a server never answers', async () => {
    const outcome = await runCheck(memcached(client(`127.0.0.1:${servers.blackhole.port}`)), TIMEOUT);
    assertTimedOut(outcome, TIMEOUT);
  });
});
