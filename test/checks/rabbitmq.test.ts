/**
 * rabbitmq() against the shared RabbitMQ: the app's own amqplib connections (promise and
 * callback APIs of 0.10 and 2.x, 2.x's recovering connection), closed by the app and by the
 * broker (`rabbitmqctl close_connection`, as an operator or a node shutting down does);
 * the URL form, its credentials and its driver missing; building. What needs a broker of
 * its own (a memory alarm, a killed broker, the owned-connection matrix) is in
 * rabbitmq-private-node.test.ts.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { rabbitmq } from '../../src/checks/rabbitmq.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { AMQP_CLIENTS, type AmqpApp } from '../_helpers/amqp-clients.js';
import { runWithoutPackages, sourceUrl } from '../_helpers/hidden-packages.js';
import { closeConnectionsNamed, connectionsNamed } from '../_helpers/rabbitmq-server.js';
import { assertFailedFast, runCheck, runCheckUntil } from '../_helpers/run-check.js';
import { AMQP_PORT, AMQP_URL, requireService } from '../_helpers/services.js';
import { refusedPort } from '../_helpers/sockets.js';

/** A prefix of connection names no parallel session shares. */
const PREFIX = `shipshape-test-${randomUUID().slice(0, 8)}`;

for (const [index, client] of AMQP_CLIENTS.entries()) {
  describe(`rabbitmq(connection) with ${client.name}`, () => {
    test('passes by opening and closing a channel, reported in ms', async (t) => {
      if (!(await requireService(t, 'rabbitmq', AMQP_PORT))) return;
      const app = await client.connect(AMQP_URL, `${PREFIX}-pass-${index}`);
      try {
        const check = rabbitmq(app.connection);
        const outcome = await runCheck(check);
        assert.equal(outcome.ok, true, outcome.reason);
        assert.deepEqual(outcome.value && Object.keys(outcome.value), ['observedValue', 'observedUnit']);
        for (let run = 0; run < 3; run += 1) assert.equal((await runCheck(check)).ok, true, 'channels are closed and reopened');
      } finally {
        await app.close();
      }
    });

    test('fails at once once the app closed the connection', async (t) => {
      if (!(await requireService(t, 'rabbitmq', AMQP_PORT))) return;
      const app = await client.connect(AMQP_URL, `${PREFIX}-closed-${index}`);
      const check = rabbitmq(app.connection);
      assert.equal((await runCheck(check)).ok, true);
      await app.close();
      assertFailedFast(await runCheck(check), client.recovers ? 'Connection closed' : 'connection closed by the app', 100);
    });
  });
}

describe('rabbitmq() when the broker closes the connections', () => {
  test("every client fails at once with the broker's reason; a recovering one and the URL form pass again after reconnecting", async (t) => {
    if (!(await requireService(t, 'rabbitmq', AMQP_PORT))) return;
    const prefix = `${PREFIX}-forced`;
    const apps: AmqpApp[] = [];
    const url = rabbitmq(AMQP_URL, { connectionName: `${prefix}-url` });
    try {
      for (const [index, client] of AMQP_CLIENTS.entries()) apps.push(await client.connect(AMQP_URL, `${prefix}-${index}`));
      const checks = apps.map((app) => rabbitmq(app.connection));
      for (const check of [...checks, url]) assert.equal((await runCheck(check)).ok, true);
      // Each check runs the moment its connection learns of the close (a recovering
      // connection reconnects a second later).
      const outcomes = AMQP_CLIENTS.map((client, index) =>
        apps[index]!.next(client.recovers ? 'disconnect' : 'close').then(() => runCheck(checks[index]!)),
      );
      const reconnected = AMQP_CLIENTS.map((client, index) => (client.recovers ? apps[index]!.next('connect') : undefined));
      const closed = await closeConnectionsNamed(prefix, 'closed by the shipshape tests');
      assert.equal(closed.length, AMQP_CLIENTS.length + 1, closed.join());
      const forced = 'Connection closed: 320 (CONNECTION-FORCED) with message "CONNECTION_FORCED - closed by the shipshape tests"';
      for (const [index, client] of AMQP_CLIENTS.entries()) {
        assertFailedFast(await outcomes[index]!, client.recovers ? `connection lost, reconnecting: ${forced}` : forced, 100);
      }
      const recovering = AMQP_CLIENTS.findIndex((client) => client.recovers);
      await reconnected[recovering];
      assert.equal((await runCheck(checks[recovering]!)).ok, true, 'the recovering connection passes once it is back');
      // The URL form's own connection was closed too: the next runs open a fresh one.
      const again = await runCheckUntil(url, true, 900, 3000);
      assert.equal(again.ok, true, again.reason);
      assert.equal((await connectionsNamed(`${prefix}-url`)).length, 1);
    } finally {
      await url.close?.();
      await Promise.all(apps.map((app) => app.close()));
    }
  });
});

describe('rabbitmq(url)', () => {
  test('passes against the shared broker, and close() ends its one named connection', async (t) => {
    if (!(await requireService(t, 'rabbitmq', AMQP_PORT))) return;
    const name = `${PREFIX}-url`;
    const check = rabbitmq(AMQP_URL, { connectionName: name });
    try {
      await Promise.all([runCheck(check), runCheck(check)]);
      const outcome = await runCheck(check);
      assert.equal(outcome.ok, true, outcome.reason);
      assert.equal((await connectionsNamed(name)).length, 1, 'one connection, reused');
    } finally {
      await check.close?.();
    }
    assert.equal((await connectionsNamed(name)).length, 0, 'closed');
    assert.match((await runCheck(check)).reason ?? '', /closed/);
  });

  test("fails with the broker's short reason for a wrong password or a missing vhost, and never shows the password", async (t) => {
    if (!(await requireService(t, 'rabbitmq', AMQP_PORT))) return;
    const { host } = new URL(AMQP_URL);
    const password = 'amqp-pw-4b9e01';
    const wrong = rabbitmq(`amqp://guest:${password}@${host}`);
    const vhost = rabbitmq(`${AMQP_URL}/shipshape-no-such-vhost`);
    try {
      const refused = await runCheck(wrong, 2000);
      assert.equal(refused.ok, false);
      assert.equal(refused.reason, 'authentication failed: ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN');
      assert.doesNotMatch(refused.reason ?? '', /amqp-pw/);
      const missing = await runCheck(vhost, 2000);
      assert.equal(missing.ok, false);
      assert.equal(missing.reason, 'the broker refused vhost "shipshape-no-such-vhost" (it does not exist, or the user may not use it)');
    } finally {
      await Promise.all([wrong.close?.(), vhost.close?.()]);
    }
  });

  test('a refused port fails at once, without the credentials of the URL', async () => {
    const port = await refusedPort();
    const check = rabbitmq(`amqp://app:amqp-secret-7@127.0.0.1:${port}/vhost`);
    assertFailedFast(await runCheck(check, 2000), `connect ECONNREFUSED 127.0.0.1:${port}`, 1000);
    await check.close?.();
  });

  test('a missing driver names the package to install', async () => {
    const output = await runWithoutPackages(['amqplib'], `
      const { rabbitmq } = await import(${JSON.stringify(sourceUrl('src/checks/rabbitmq.ts'))});
      try { await rabbitmq(${JSON.stringify(AMQP_URL)}).run(AbortSignal.timeout(10000)); console.log('passed'); }
      catch (error) { console.log(error.code, error.message); }`);
    assert.equal(output.trim(), 'SHIPSHAPE_DRIVER_MISSING the package "amqplib" is not installed: run `npm install amqplib`');
  });
});

describe('rabbitmq() building', () => {
  test('rejects what is neither an amqplib connection nor an amqp URL, naming what it takes, without credentials', () => {
    for (const value of [{}, { createChannel() {} }, 5, null]) {
      assert.throws(() => rabbitmq(value as never), (error: unknown) => {
        assert.ok(error instanceof InvalidOptionError && error instanceof TypeError);
        assert.match(error.message, /an amqplib connection \(promise or callback API\) or an amqp:\/\/ \/ amqps:\/\/ URL/);
        return true;
      });
    }
    assert.throws(() => rabbitmq('http://guest:amqp-secret-9@127.0.0.1:5672'), (error: unknown) => {
      assert.ok(error instanceof InvalidOptionError);
      assert.match(error.message, /amqp:\/\/host/);
      assert.doesNotMatch(error.message, /amqp-secret-9/);
      return true;
    });
    assert.throws(() => rabbitmq('not a url'), InvalidOptionError);
  });

  test('takes a connection name and the per-check settings', () => {
    assert.throws(() => rabbitmq(AMQP_URL, { connectionName: 7 as never }), /`connectionName`/);
    assert.throws(() => rabbitmq(AMQP_URL, { heartbeat: 5 } as never), /heartbeat/);
    assert.equal(rabbitmq(AMQP_URL, { connectionName: 'worker', critical: false }).critical, false);
  });
});
