/**
 * mqtt(): the app's own MQTT.js client on the shared Mosquitto and on private ones that
 * are killed and frozen under it; the URL form through the owned-connection matrix,
 * credentials and its driver missing; the topic it publishes to.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import mqttjs, { type MqttClient } from 'mqtt';
import { mqtt } from '../../src/checks/mqtt.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { describeLineCheck, lineServers } from '../_helpers/describe-line-check.js';
import { runWithoutPackages, sourceUrl } from '../_helpers/hidden-packages.js';
import { startMosquitto } from '../_helpers/mosquitto-server.js';
import { assertFailedFast, assertTimedOut, runCheck, runCheckUntil } from '../_helpers/run-check.js';
import { MQTT_PORT, MQTT_URL, requireService } from '../_helpers/services.js';
import { establishedConnections, refusedPort } from '../_helpers/sockets.js';

const TIMEOUT_MS = 300;
const servers = lineServers(() => startMosquitto());

describeLineCheck('mqtt(url)', servers, {
  check: (port) => mqtt(`mqtt://127.0.0.1:${port}`),
  connections: establishedConnections,
  refused: (port) => new RegExp(`^connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`),
  down: () => /ECONNREFUSED|ECONNRESET|closed/,
});

/** An app's client of 127.0.0.1:`port`, reconnecting every 20 ms, with the error listener apps must have. */
function appClient(port: number): MqttClient {
  const client = mqttjs.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 20 });
  client.on('error', () => {});
  return client;
}

describe('mqtt(client) with MQTT.js', () => {
  test('passes when a QoS 1 publish is acknowledged, reported in ms; waits for a client still connecting', async (t) => {
    if (!(await requireService(t, 'mosquitto', MQTT_PORT))) return;
    const client = appClient(MQTT_PORT);
    try {
      // built and run right away: the client has not connected yet
      const check = mqtt(client);
      assert.equal(client.connected, false);
      const first = await runCheck(check);
      assert.equal(first.ok, true, first.reason);
      const again = await runCheck(check);
      assert.equal(again.ok, true, again.reason);
      assert.deepEqual(again.value && Object.keys(again.value), ['observedValue', 'observedUnit']);
    } finally {
      await client.endAsync();
    }
  });

  test('a client that cannot make its first connection fails with the reason', async () => {
    const client = appClient(await refusedPort());
    try {
      const outcome = await runCheck(mqtt(client), 2000);
      assertFailedFast(outcome, /^client not connected(: connect ECONNREFUSED|\s\(reconnecting\))/, 1000);
    } finally {
      client.end(true);
    }
  });

  test('an ended client fails at once', async (t) => {
    if (!(await requireService(t, 'mosquitto', MQTT_PORT))) return;
    const client = appClient(MQTT_PORT);
    const check = mqtt(client);
    assert.equal((await runCheck(check)).ok, true);
    await client.endAsync();
    assertFailedFast(await runCheck(check), 'client ended (end() was called)', 100);
  });

  test('fails at once while its broker is down (MQTT.js would queue the message), and passes again after it reconnected', async () => {
    const broker = await startMosquitto();
    const client = appClient(broker.port);
    try {
      const check = mqtt(client);
      assert.equal((await runCheck(check, TIMEOUT_MS)).ok, true);
      await broker.stop();
      // a run in the moment the connection breaks sees it break while it waits for PUBACK
      const down = await runCheck(check, TIMEOUT_MS);
      assertFailedFast(down, /^(client not connected \(reconnecting\)|connection lost before the broker acknowledged)$/, TIMEOUT_MS);
      assertFailedFast(await runCheck(check, TIMEOUT_MS), 'client not connected (reconnecting)', 100);
      await broker.start();
      const up = await runCheckUntil(check, true, TIMEOUT_MS);
      assert.equal(up.ok, true, up.reason);
      assert.deepEqual(Object.keys(client.outgoing), [], 'nothing queued while it was down');
    } finally {
      client.end(true);
      await broker.kill();
    }
  });

  test('a frozen broker fails at the timeout, and the unacknowledged message leaves the client', async () => {
    const broker = await startMosquitto();
    const client = appClient(broker.port);
    try {
      const check = mqtt(client);
      assert.equal((await runCheck(check, TIMEOUT_MS)).ok, true);
      await broker.pause();
      assert.equal(client.connected, true, 'the flag still says connected');
      assertTimedOut(await runCheck(check, TIMEOUT_MS), TIMEOUT_MS);
      assert.deepEqual(Object.keys(client.outgoing), [], 'not resent after the broker is back');
      broker.resume();
      assert.equal((await runCheckUntil(check, true, TIMEOUT_MS)).ok, true);
    } finally {
      broker.resume();
      client.end(true);
      await broker.kill();
    }
  });

  test('publishes an empty, unretained message to the `topic` option, or to a random topic of its own', async () => {
    const { port } = servers.extra;
    const listener = appClient(port);
    const client = appClient(port);
    const received: { topic: string; payload: string; retain: boolean }[] = [];
    listener.on('message', (topic, payload, packet) => void received.push({ topic, payload: payload.toString(), retain: packet.retain }));
    try {
      await listener.subscribeAsync(['shipshape/probe/#', 'app/health'], { qos: 1 });
      const checks = [mqtt(client, { topic: 'app/health' }), mqtt(client), mqtt(client)];
      for (const check of checks) assert.equal((await runCheck(check)).ok, true);
      for (let i = 0; received.length < 3 && i < 100; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(received.length, 3);
      assert.deepEqual(received[0], { topic: 'app/health', payload: '', retain: false });
      assert.match(received[1]!.topic, /^shipshape\/probe\/[0-9a-f]{16}$/);
      assert.notEqual(received[1]!.topic, received[2]!.topic, 'one topic per check');
    } finally {
      await Promise.all([listener.endAsync(), client.endAsync()]);
    }
  });
});

describe('mqtt(url)', () => {
  test('passes against the shared Mosquitto', async (t) => {
    if (!(await requireService(t, 'mosquitto', MQTT_PORT))) return;
    const check = mqtt(MQTT_URL);
    try {
      const outcome = await runCheck(check, 2000);
      assert.equal(outcome.ok, true, outcome.reason);
      assert.equal((await runCheck(check)).ok, true);
    } finally {
      await check.close?.();
    }
  });

  test('sends the credentials of the URL and never shows them', async () => {
    const password = 'mqtt-pw-83d1c0';
    const broker = await startMosquitto({ user: { name: 'probe', password } });
    const right = mqtt(`mqtt://probe:${password}@127.0.0.1:${broker.port}`);
    const wrong = mqtt(`mqtt://probe:wrong-${password}@127.0.0.1:${broker.port}`);
    try {
      const passed = await runCheck(right, 2000);
      assert.equal(passed.ok, true, passed.reason);
      const failed = await runCheck(wrong, 2000);
      assert.equal(failed.ok, false);
      assert.match(failed.reason ?? '', /Not authorized/);
      assert.doesNotMatch(failed.reason ?? '', /mqtt-pw/);
    } finally {
      await Promise.all([right.close?.(), wrong.close?.()]);
      await broker.kill();
    }
  });

  test('a missing driver names the package to install', async () => {
    const output = await runWithoutPackages(['mqtt'], `
      const { mqtt } = await import(${JSON.stringify(sourceUrl('src/checks/mqtt.ts'))});
      const check = mqtt('mqtt://127.0.0.1:1883');
      try { await check.run(AbortSignal.timeout(10000)); console.log('passed'); }
      catch (error) { console.log(error.code, error.message); }`);
    assert.equal(output.trim(), 'SHIPSHAPE_DRIVER_MISSING the package "mqtt" is not installed: run `npm install mqtt`');
  });
});

describe('mqtt() building', () => {
  test('rejects what is neither an MQTT.js client nor an mqtt URL, naming what it takes, without credentials', () => {
    for (const value of [{}, { publish() {} }, 'x', null]) {
      assert.throws(() => mqtt(value as never), (error: unknown) => {
        assert.ok(error instanceof InvalidOptionError && error instanceof TypeError);
        assert.match(error.message, /an MQTT\.js client or an mqtt:\/\/ \/ mqtts:\/\/ URL/);
        return true;
      });
    }
    assert.throws(() => mqtt('http://user:mqtt-secret-1@127.0.0.1:1883'), (error: unknown) => {
      assert.ok(error instanceof InvalidOptionError);
      assert.match(error.message, /mqtt:\/\/host/);
      assert.doesNotMatch(error.message, /mqtt-secret-1/);
      return true;
    });
  });

  test('takes a topic without wildcards, and the per-check settings', () => {
    for (const topic of ['', 'a/+/b', 'a/#', 5]) {
      assert.throws(() => mqtt(MQTT_URL, { topic: topic as never }), /`topic`/);
    }
    assert.throws(() => mqtt(MQTT_URL, { qos: 0 } as never), /qos/);
    assert.equal(mqtt(MQTT_URL, { topic: 'app/health', timeoutMs: 500 }).timeoutMs, 500);
  });
});
