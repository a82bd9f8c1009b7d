/**
 * rabbitmq() against a RabbitMQ node of this file's own (test/_helpers/rabbitmq-server.ts):
 * the owned-connection matrix of the URL form (a broker killed and restarted under it),
 * and a memory alarm, which blocks every publishing connection of the node; both would
 * disturb the parallel sessions that share the machine's broker.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { rabbitmq } from '../../src/checks/rabbitmq.js';
import { AMQP_CLIENTS, type AmqpApp } from '../_helpers/amqp-clients.js';
import { describeLineCheck, lineServers } from '../_helpers/describe-line-check.js';
import { privateRabbitUnavailable, RabbitNode } from '../_helpers/rabbitmq-server.js';
import { assertFailedFast, runCheck, runCheckUntil } from '../_helpers/run-check.js';
import { servicesRequired } from '../_helpers/services.js';
import { establishedConnections } from '../_helpers/sockets.js';

const unavailable = privateRabbitUnavailable();
if (unavailable && servicesRequired) throw new Error(`${unavailable} (services are required in CI)`);

if (unavailable) {
  test('rabbitmq() on a private node', (t) => {
    console.warn(`\n!!! SKIPPED: ${unavailable}\n`);
    t.skip(unavailable);
  });
} else {
  const servers = lineServers(() => RabbitNode.start());

  describeLineCheck('rabbitmq(url)', servers, {
    check: (port) => rabbitmq(`amqp://guest:guest@127.0.0.1:${port}`),
    connections: establishedConnections,
    refused: (port) => new RegExp(`^connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`),
    down: () => /ECONNREFUSED|ECONNRESET|closed|Unexpected close/i,
    // the AMQP handshake of a node that has just opened its port
    restartTimeoutMs: 3000,
  });

  describe('rabbitmq() in a memory alarm', () => {
    test("a publishing connection the broker blocks fails at once with the broker's reason, and passes once unblocked", async () => {
      const node = servers.extra;
      const apps: AmqpApp[] = [];
      const url = rabbitmq(node.url);
      const queue = `shipshape-test-${randomUUID().slice(0, 8)}`;
      try {
        for (const [index, client] of AMQP_CLIENTS.entries()) apps.push(await client.connect(node.url, `blocked-${index}`));
        const checks = apps.map((app) => rabbitmq(app.connection));
        for (const [index, app] of apps.entries()) await app.publish(`${queue}-${index}`);
        for (const check of [...checks, url]) assert.equal((await runCheck(check, 2000)).ok, true);

        const blocked = apps.map((app) => app.next('blocked'));
        await node.ctl('set_vm_memory_high_watermark', '0');
        // RabbitMQ blocks a connection when it publishes during the alarm
        for (const [index, app] of apps.entries()) await app.publish(`${queue}-${index}`);
        assert.deepEqual(await Promise.all(blocked), apps.map(() => 'low on memory'));
        for (const check of checks) assertFailedFast(await runCheck(check), 'connection blocked by the broker: low on memory', 100);
        const own = await runCheck(url, 2000);
        assert.equal(own.ok, true, `the check's own connection never publishes, so it is not blocked: ${own.reason}`);

        const unblocked = apps.map((app) => app.next('unblocked'));
        await node.ctl('set_vm_memory_high_watermark', '0.4');
        await Promise.all(unblocked);
        for (const check of checks) {
          const outcome = await runCheckUntil(check, true, 2000);
          assert.equal(outcome.ok, true, outcome.reason);
        }
      } finally {
        // never leave the node in an alarm: the matrix above may run after this in a rerun
        await node.ctl('set_vm_memory_high_watermark', '0.4').catch(() => {});
        await url.close?.();
        await Promise.all(apps.map((app) => app.close()));
      }
    });
  });
}
