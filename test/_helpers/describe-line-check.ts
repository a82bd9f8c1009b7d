/**
 * One suite for the checks that own a connection per server (the shared lifecycle of
 * src/core/internal/owned-connection.ts): `redis(url)` and `memcached(servers)` on their
 * line protocols, and `rabbitmq(url)`, `nats(url)` and `mqtt(url)` through their drivers.
 * Each must fail fast on a refused port, fail at the timeout on a blackhole and free its
 * socket, fail while its server is down and pass again once it is back, and keep one
 * connection that `close()` ends. What differs (the check, its reasons, how the server
 * counts its clients) is one {@link LineCheckRow}; the fixture servers come from
 * {@link lineServers}.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CheckSpec } from '../../src/core/check.js';
import { assertFailedFast, assertTimedOut, runCheck } from './run-check.js';
import { type Blackhole, refusedPort, startBlackhole } from './sockets.js';

const TIMEOUT_MS = 300;

/** A real server on a fixed port that a test can stop and start again (a `ChildServer`, a `RabbitNode`). */
export interface RestartableServer {
  readonly port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it for good; for `after` hooks. */
  kill(): Promise<void>;
}

/** The servers a file's tests share: a blackhole, and a real server of their own to stop and start. */
export interface LineServers<S extends RestartableServer = RestartableServer> {
  readonly blackhole: Blackhole;
  readonly extra: S;
}

/** Starts the {@link LineServers} before the file's tests and stops them after. */
export function lineServers<S extends RestartableServer>(start: () => Promise<S>): LineServers<S> {
  let blackhole: Blackhole | undefined;
  let extra: S | undefined;
  before(async () => {
    blackhole = await startBlackhole();
    extra = await start();
  });
  after(async () => {
    await blackhole?.close();
    await extra?.kill();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('lineServers() are used before their before() hook ran');
    return value;
  };
  return {
    get blackhole() {
      return started(blackhole);
    },
    get extra() {
      return started(extra);
    },
  };
}

export interface LineCheckRow {
  /** The check for one server at `127.0.0.1:port`. */
  readonly check: (port: number) => CheckSpec;
  /** Client connections open on the server at `port`, the asking one excluded. */
  readonly connections: (port: number) => Promise<number>;
  /** The reason when nothing listens at `127.0.0.1:port`. */
  readonly refused: (port: number) => RegExp;
  /** The reason right after the server at `port` went away. */
  readonly down: (port: number) => RegExp;
  /**
   * The timeout of the runs around a restart: a server that has just opened its port may
   * need longer than a hot one for a first connection (RabbitMQ's handshake).
   * @defaultValue `TIMEOUT_MS`
   */
  readonly restartTimeoutMs?: number;
}

/** The shared scenarios of a line-protocol check. */
export function describeLineCheck(name: string, servers: LineServers, row: LineCheckRow): void {
  describe(`${name}: its own connection (the owned-connection matrix)`, () => {
    test('fails fast on a refused port with a short reason', async () => {
      const port = await refusedPort();
      const check = row.check(port);
      try {
        const outcome = await runCheck(check, 2000);
        assertFailedFast(outcome, row.refused(port), 500);
      } finally {
        await check.close?.();
      }
    });

    test('fails at the timeout on a blackhole and closes its socket', async () => {
      const check = row.check(servers.blackhole.port);
      try {
        const outcome = await runCheck(check, TIMEOUT_MS);
        assertTimedOut(outcome, TIMEOUT_MS);
        await servers.blackhole.waitForAllClosed(500);
      } finally {
        await check.close?.();
      }
    });

    test('fails while the server is down and passes again after it restarts, without crashing', async () => {
      const { extra } = servers;
      const check = row.check(extra.port);
      const timeoutMs = row.restartTimeoutMs ?? TIMEOUT_MS;
      try {
        assert.equal((await runCheck(check, timeoutMs)).ok, true);
        await extra.stop();
        const down = await runCheck(check, timeoutMs);
        assert.equal(down.ok, false);
        assert.match(down.reason ?? '', row.down(extra.port));
        await extra.start();
        const up = await runCheck(check, timeoutMs);
        assert.equal(up.ok, true, up.reason);
      } finally {
        await check.close?.();
      }
    });

    test('keeps one connection and frees it on close(), which is idempotent; a run after close() fails', async () => {
      const { port } = servers.extra;
      const check = row.check(port);
      // the previous test's connection may still be counted for a moment after its close()
      const idle = await settled(() => row.connections(port));
      await Promise.all([runCheck(check), runCheck(check)]);
      assert.equal((await runCheck(check)).ok, true);
      assert.equal(await row.connections(port), idle + 1, 'one connection, reused');
      await check.close?.();
      await check.close?.();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await row.connections(port), idle, 'closed');
      const closed = await runCheck(check);
      assert.equal(closed.ok, false);
      assert.match(closed.reason ?? '', /closed/);
      assert.equal(await row.connections(port), idle, 'a run after close() opens nothing');
    });
  });
}

/** A count once two reads 50 ms apart agree (at most a second): a server counts a closed connection out a little later. */
async function settled(count: () => Promise<number>): Promise<number> {
  let last = await count();
  for (let i = 0; i < 20; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const next = await count();
    if (next === last) return next;
    last = next;
  }
  return last;
}
