/**
 * nats(): the app's own connection (nats.js 2.x `nats` and 3.x `@nats-io/transport-node`)
 * on the shared NATS and on private nats-servers that are killed and frozen under it; the
 * URL form through the owned-connection matrix, several servers, credentials, and its
 * driver missing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connect as connect3 } from '@nats-io/transport-node';
import { connect as connect2 } from 'nats';
import { nats, type NatsConnectionLike } from '../../src/checks/nats.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { describeLineCheck, lineServers } from '../_helpers/describe-line-check.js';
import { runWithoutPackages, sourceUrl } from '../_helpers/hidden-packages.js';
import { startNatsServer } from '../_helpers/nats-server.js';
import { assertFailedFast, assertTimedOut, runCheck, runCheckUntil } from '../_helpers/run-check.js';
import { NATS_PORT, NATS_URL, requireService } from '../_helpers/services.js';
import { establishedConnections, refusedPort } from '../_helpers/sockets.js';

const TIMEOUT_MS = 300;
const servers = lineServers(() => startNatsServer());

describeLineCheck('nats(url)', servers, {
  check: (port) => nats(`nats://127.0.0.1:${port}`),
  connections: establishedConnections,
  refused: (port) => new RegExp(`^connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`),
  down: () => /ECONNREFUSED|ECONNRESET|closed|DISCONNECT|CONNECTION_CLOSED/,
});

type Connection = NatsConnectionLike & { close(): Promise<void>; drain(): Promise<void>; subscribe(subject: string): unknown };

/** The two nats.js lines apps run: `nats` (2.x) and its successor `@nats-io/transport-node` (3.x). */
const CLIENTS: readonly { name: string; connect: (options: object) => Promise<Connection> }[] = [
  { name: 'nats 2.x', connect: connect2 },
  { name: '@nats-io/transport-node 3.x', connect: connect3 },
];

for (const client of CLIENTS) {
  describe(`nats(connection) with ${client.name}`, () => {
    test('passes with a flush round trip, reported in ms', async (t) => {
      if (!(await requireService(t, 'nats', NATS_PORT))) return;
      const connection = await client.connect({ servers: NATS_URL });
      try {
        const check = nats(connection);
        const outcome = await runCheck(check);
        assert.equal(outcome.ok, true, outcome.reason);
        assert.deepEqual(outcome.value && Object.keys(outcome.value), ['observedValue', 'observedUnit']);
        assert.equal((await runCheck(check)).ok, true);
      } finally {
        await connection.close();
      }
    });

    test('a draining connection fails at once, and so does a closed one', async (t) => {
      if (!(await requireService(t, 'nats', NATS_PORT))) return;
      const connection = await client.connect({ servers: NATS_URL });
      const check = nats(connection);
      // A subscription keeps the drain going long enough to be seen.
      connection.subscribe(`shipshape.test.drain.${process.pid}`);
      const draining = connection.drain();
      assertFailedFast(await runCheck(check), 'connection draining', 100);
      await draining;
      assertFailedFast(await runCheck(check), 'connection closed', 100);
    });

    test('fails within the timeout when its server is killed, and passes again once the client reconnected', async () => {
      const server = await startNatsServer();
      const connection = await client.connect({ servers: `127.0.0.1:${server.port}`, reconnectTimeWait: 20, maxReconnectAttempts: -1 });
      try {
        const check = nats(connection);
        assert.equal((await runCheck(check, TIMEOUT_MS)).ok, true);
        await server.stop();
        const down = await runCheck(check, TIMEOUT_MS);
        assert.equal(down.ok, false);
        assert.ok(down.elapsedMs <= TIMEOUT_MS + 150, `took ${down.elapsedMs} ms`);
        await server.start();
        const up = await runCheckUntil(check, true, TIMEOUT_MS);
        assert.equal(up.ok, true, up.reason);
      } finally {
        await connection.close();
        await server.kill();
      }
    });

    test('a frozen server fails at the timeout (no flag is trusted: the connection still looks open)', async () => {
      const server = await startNatsServer();
      const connection = await client.connect({ servers: `127.0.0.1:${server.port}` });
      try {
        const check = nats(connection);
        assert.equal((await runCheck(check, TIMEOUT_MS)).ok, true);
        await server.pause();
        assert.equal(connection.isClosed(), false);
        assertTimedOut(await runCheck(check, TIMEOUT_MS), TIMEOUT_MS);
        server.resume();
        assert.equal((await runCheckUntil(check, true, TIMEOUT_MS)).ok, true);
      } finally {
        server.resume();
        await connection.close();
        await server.kill();
      }
    });
  });
}

describe('nats(url)', () => {
  test('passes against the shared NATS, keeping one connection', async (t) => {
    if (!(await requireService(t, 'nats', NATS_PORT))) return;
    const check = nats(NATS_URL);
    try {
      const outcome = await runCheck(check, 2000);
      assert.equal(outcome.ok, true, outcome.reason);
      assert.equal((await runCheck(check)).ok, true);
    } finally {
      await check.close?.();
    }
  });

  test('takes several comma-separated servers: the first that answers wins, the others leave no socket', async () => {
    const refused = await refusedPort();
    const { blackhole, extra } = servers;
    const check = nats(`nats://127.0.0.1:${refused}, nats://127.0.0.1:${blackhole.port},nats://127.0.0.1:${extra.port}`);
    try {
      const outcome = await runCheck(check, 2000);
      assert.equal(outcome.ok, true, outcome.reason);
      await blackhole.waitForAllClosed(500);
      assert.equal(await establishedConnections(extra.port), 1);
    } finally {
      await check.close?.();
    }
  });

  test('when no server answers, the reason names each one', async () => {
    const [a, b] = [await refusedPort(), await refusedPort()];
    const check = nats(`nats://127.0.0.1:${a},nats://127.0.0.1:${b}`);
    assertFailedFast(
      await runCheck(check, 2000),
      `127.0.0.1:${a}: connect ECONNREFUSED 127.0.0.1:${a}; 127.0.0.1:${b}: connect ECONNREFUSED 127.0.0.1:${b}`,
      1000,
    );
    await check.close?.();
  });

  test('sends a user and password, or a token, from the URL and never shows them', async () => {
    const password = 'nats-pw-5e1f2a';
    const token = 'nats-token-9c3b7d';
    const withUser = await startNatsServer({ user: { name: 'probe', password } });
    const withToken = await startNatsServer({ token });
    const checks = {
      user: nats(`nats://probe:${password}@127.0.0.1:${withUser.port}`),
      token: nats(`nats://${token}@127.0.0.1:${withToken.port}`),
      wrongPassword: nats(`nats://probe:wrong-${password}@127.0.0.1:${withUser.port}`),
      wrongToken: nats(`nats://wrong-${token}@127.0.0.1:${withToken.port}`),
    };
    try {
      for (const name of ['user', 'token'] as const) {
        const outcome = await runCheck(checks[name], 2000);
        assert.equal(outcome.ok, true, `${name}: ${outcome.reason}`);
      }
      for (const name of ['wrongPassword', 'wrongToken'] as const) {
        const outcome = await runCheck(checks[name], 2000);
        assert.equal(outcome.ok, false, name);
        assert.match(outcome.reason ?? '', /Authorization Violation|AUTHORIZATION_VIOLATION/i, name);
        assert.doesNotMatch(outcome.reason ?? '', /nats-pw|nats-token/, name);
      }
    } finally {
      await Promise.all(Object.values(checks).map((check) => check.close?.()));
      await withUser.kill();
      await withToken.kill();
    }
  });

  test('a missing driver names the package to install; without `nats` it uses @nats-io/transport-node', async (t) => {
    if (!(await requireService(t, 'nats', NATS_PORT))) return;
    const script = (hidden: string) => `
      const { nats } = await import(${JSON.stringify(sourceUrl('src/checks/nats.ts'))});
      const check = nats(${JSON.stringify(NATS_URL)});
      try { const { observedUnit } = await check.run(AbortSignal.timeout(10000)); console.log('passed', observedUnit); }
      catch (error) { console.log(error.code, error.message); }
      finally { await check.close(); }
      // ${hidden}`;
    const both = await runWithoutPackages(['nats', '@nats-io/transport-node'], script('both'));
    assert.equal(both.trim(), 'SHIPSHAPE_DRIVER_MISSING the package "nats" is not installed: run `npm install nats`');
    assert.equal((await runWithoutPackages(['nats'], script('nats'))).trim(), 'passed ms');
  });
});

describe('nats() building', () => {
  test('rejects what is neither a nats.js connection nor nats:// URLs, naming what it takes, without credentials', () => {
    for (const value of [{}, { flush: async () => {} }, 42, null]) {
      assert.throws(() => nats(value as never), (error: unknown) => {
        assert.ok(error instanceof InvalidOptionError && error instanceof TypeError);
        assert.match(error.message, /a nats\.js connection \(`nats` or `@nats-io\/transport-node`\) or nats:\/\/ URLs/);
        return true;
      });
    }
    assert.throws(() => nats('http://127.0.0.1:4222'), InvalidOptionError);
    assert.throws(() => nats('nats://127.0.0.1:4222,redis://127.0.0.1'), InvalidOptionError);
    assert.throws(() => nats('nats://secret-token-771@host,nope'), (error: unknown) => {
      assert.ok(error instanceof InvalidOptionError);
      assert.doesNotMatch(error.message, /secret-token-771/);
      return true;
    });
    assert.throws(() => nats(NATS_URL, { timeoutMs: 0 }), /`timeoutMs`/);
    assert.equal(nats(NATS_URL, { critical: false }).critical, false);
  });
});
