/**
 * redis(client) with the app's own client: one suite over ioredis and node-redis v4, v5
 * and v6, whose differences (how to create one, how it says it is ready, its reasons) are
 * one row of CLIENTS. The check never uses a client's offline queue: it fails at once
 * while a client that was ready reconnects, and waits (within its timeout) for one still
 * making its first connection.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import * as redis6 from 'redis';
import * as redis4 from 'redis4';
import * as redis5 from 'redis5';
import { redis, type IoRedisClientLike, type NodeRedisClientLike } from '../../src/checks/redis.js';
import { lineServers } from '../_helpers/describe-line-check.js';
import { pauseRedisServer, startRedisServer } from '../_helpers/redis-server.js';
import { assertFailedFast, assertTimedOut, runCheck, runCheckUntil } from '../_helpers/run-check.js';
import { requireService } from '../_helpers/services.js';
import { refusedPort } from '../_helpers/sockets.js';

type RedisClientLike = IoRedisClientLike | NodeRedisClientLike;

const TIMEOUT_MS = 300;
/**
 * "Fails fast" is shown against a long timeout: a check that fails at once answers far
 * below FAST_MS, one that waited would take SLOW_TIMEOUT_MS (a loaded machine once took
 * more than 50 ms to fail at once, so the bound is not tight).
 */
const SLOW_TIMEOUT_MS = 5000;
const FAST_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const servers = lineServers(startRedisServer);

/** An app's client, as much of it as the tests touch. */
interface App {
  readonly client: RedisClientLike;
  /** Whether it is connected and ready for commands. */
  isReady(): boolean;
  /** Whether it is still making its first connection (what the app has right after creating it). */
  isFirstConnecting(): boolean;
  close(): unknown;
}

interface ClientRow {
  readonly name: string;
  /** A client of 127.0.0.1:`port`, connecting at once and retrying every 20 ms. */
  readonly connect: (port: number) => App;
  /** The reason while a client that never connected is offline. */
  readonly offline: RegExp;
  /** The reason while a client that was ready has lost its server. */
  readonly lost: RegExp;
}

const ioredis = (port: number, options: { lazyConnect?: boolean } = {}): App => {
  const client = new Redis({ host: '127.0.0.1', port, retryStrategy: () => 20, ...options });
  client.on('error', () => {});
  return {
    client,
    isReady: () => client.status === 'ready',
    isFirstConnecting: () => client.status === 'connecting',
    close: () => client.disconnect(),
  };
};

// Three major versions with incompatible generic types; the tests only call
// createClient({ url, socket }), on, connect and destroy/disconnect.
interface NodeRedisClient {
  on(event: 'error', listener: () => void): unknown;
  connect(): Promise<unknown>;
  readonly isOpen: boolean;
  readonly isReady: boolean;
  destroy?(): unknown;
  disconnect?(): unknown;
}
type CreateClient = (options: object) => NodeRedisClient;

const nodeRedis = (createClient: CreateClient) => (port: number): App => {
  const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: () => 20 } });
  client.on('error', () => {});
  client.connect().catch(() => {});
  return {
    client: client as unknown as RedisClientLike,
    isReady: () => client.isReady,
    isFirstConnecting: () => client.isOpen && !client.isReady,
    close: () => (client.isOpen ? (client.destroy ?? client.disconnect)?.call(client) : undefined),
  };
};

const NODE_REDIS = { offline: /redis client (not connected|is closed)/, lost: /^redis client not connected \(reconnecting\)$/ };

const CLIENTS: readonly ClientRow[] = [
  { name: 'ioredis', connect: (port) => ioredis(port), offline: /redis client not connected \((connecting|reconnecting)\)/, lost: /^redis client not connected \((reconnecting|connecting|close)\)/ },
  { name: 'node-redis v4', connect: nodeRedis(redis4.createClient as unknown as CreateClient), ...NODE_REDIS },
  { name: 'node-redis v5', connect: nodeRedis(redis5.createClient as unknown as CreateClient), ...NODE_REDIS },
  { name: 'node-redis v6', connect: nodeRedis(redis6.createClient as unknown as CreateClient), ...NODE_REDIS },
];

for (const row of CLIENTS) {
  describe(`redis(${row.name})`, () => {
    const apps: App[] = [];
    const connect = (port: number): App => {
      const app = row.connect(port);
      apps.push(app);
      return app;
    };
    after(async () => {
      for (const app of apps) await app.close();
    });

    test('passes with a connected client', async (t) => {
      if (!(await requireService(t, 'redis', 6379))) return;
      const outcome = await runCheckUntil(redis(connect(6379).client), true, TIMEOUT_MS);
      assert.equal(outcome.ok, true, outcome.reason);
    });

    test('fails fast while the client is offline, without queueing a PING', async () => {
      const outcome = await runCheck(redis(connect(await refusedPort()).client), SLOW_TIMEOUT_MS);
      assertFailedFast(outcome, row.offline, FAST_MS);
    });

    test('waits for a client still making its first connection and passes once it is ready', async (t) => {
      if (!(await requireService(t, 'redis', 6379))) return;
      const app = connect(6379);
      assert.equal(app.isFirstConnecting(), true, 'the first probe comes right after the app created its client');
      const outcome = await runCheck(redis(app.client), TIMEOUT_MS);
      assert.equal(outcome.ok, true, outcome.reason);
    });

    test('waits on a blackhole, where the first connection never completes, until the timeout', async () => {
      const outcome = await runCheck(redis(connect(servers.blackhole.port).client), TIMEOUT_MS);
      assertTimedOut(outcome, TIMEOUT_MS);
    });

    test('fails at once, with the reason, when a client that was ready has lost its server', async () => {
      const { extra } = servers;
      const app = connect(extra.port);
      const check = redis(app.client);
      assert.equal((await runCheckUntil(check, true, TIMEOUT_MS)).ok, true);
      await extra.stop();
      while (app.isReady()) await sleep(5);
      const outcome = await runCheck(check, SLOW_TIMEOUT_MS);
      assertFailedFast(outcome, row.lost, FAST_MS);
      await extra.start();
      assert.equal((await runCheckUntil(check, true, TIMEOUT_MS)).ok, true);
    });

    test('returns at the timeout when a ready client gets no answer', async () => {
      const { extra } = servers;
      const check = redis(connect(extra.port).client);
      assert.equal((await runCheckUntil(check, true, TIMEOUT_MS)).ok, true);
      await pauseRedisServer(extra.port, 800);
      const outcome = await runCheck(check, TIMEOUT_MS);
      assertTimedOut(outcome, TIMEOUT_MS);
      await sleep(600);
    });

    test('fails while the server restarts and passes once the client reconnects', async () => {
      const { extra } = servers;
      const check = redis(connect(extra.port).client);
      assert.equal((await runCheckUntil(check, true, TIMEOUT_MS)).ok, true);
      await extra.stop();
      assert.equal((await runCheckUntil(check, false, TIMEOUT_MS)).ok, false);
      await extra.start();
      const up = await runCheckUntil(check, true, TIMEOUT_MS);
      assert.equal(up.ok, true, up.reason);
    });
  });
}

describe('redis(ioredis) with lazyConnect', () => {
  test('passes with a client that has not connected yet (the check connects it)', async (t) => {
    if (!(await requireService(t, 'redis', 6379))) return;
    const app = ioredis(6379, { lazyConnect: true });
    try {
      const outcome = await runCheck(redis(app.client));
      assert.equal(outcome.ok, true, outcome.reason);
    } finally {
      app.close();
    }
  });
});
