/**
 * `waitFor` from `shipshape/jobs`, against real services and real sockets: it resolves once
 * every target has answered for `stableMs`, rejects at `timeoutMs` with WaitTimeoutError
 * naming each target still failing (credentials redacted), stops on an aborted signal, and
 * leaves no socket or timer behind either way.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { createProbes, InvalidOptionError } from '../../../src/index.js';
import { addHealthService } from '../../../src/grpc.js';
import * as grpcjs from '@grpc/grpc-js';
import { startGrpcServer } from '../../_helpers/grpc.js';
import { waitFor, WaitTimeoutError, type WaitProgress } from '../../../src/jobs/index.js';
import { runWithoutPackages, sourceUrl } from '../../_helpers/hidden-packages.js';
import { AMQP_PORT, AMQP_URL, MEMCACHED_SERVER, MQTT_PORT, MQTT_URL, NATS_PORT, NATS_URL, POSTGRES_URL, REDIS_URL, requireService } from '../../_helpers/services.js';
import { refusedPort } from '../../_helpers/sockets.js';

const QUICK = { stableMs: 300, intervalMs: 100 } as const;

/** Sockets and timers this process has open. */
function open(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap' || name === 'Timeout').length;
}

/** Waits a moment for what closes asynchronously, then checks that nothing is left over `before`. */
async function assertNothingLeft(before: number): Promise<void> {
  for (let i = 0; i < 50 && open() > before; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(open() <= before, `still open: ${process.getActiveResourcesInfo().join(', ')}`);
}

describe('waitFor', () => {
  test('resolves once every target has answered for stableMs, reporting each attempt and each ready target', async (t) => {
    if (!(await requireService(t, 'postgres', 5432)) || !(await requireService(t, 'redis', 6379)) || !(await requireService(t, 'memcached', 11211))) return;
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => server.close());
    const tcp = `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const before = open();
    const events: WaitProgress[] = [];
    await waitFor([POSTGRES_URL, REDIS_URL, `memcached://${MEMCACHED_SERVER}`, tcp], { ...QUICK, timeoutMs: 30_000, onProgress: (event) => events.push(event) });
    const ready = events.filter((event) => event.type === 'ready').map((event) => event.target);
    assert.deepEqual(ready.sort(), ['postgres://***@127.0.0.1:5432/test', 'redis://127.0.0.1:6379', `memcached://${MEMCACHED_SERVER}`, tcp].sort());
    for (const target of ready) {
      const oks = events.flatMap((event) => (event.target === target && event.type === 'ok' ? [event] : []));
      assert.ok(oks.length >= 2, `${target}: answered more than once before it was stable`);
      assert.ok(oks.at(-1)!.stableForMs >= QUICK.stableMs);
    }
    await assertNothingLeft(before);
  });

  test('waits for the message brokers (amqp://, nats://, mqtt://) as for any target, and leaves nothing open', async (t) => {
    if (!(await requireService(t, 'rabbitmq', AMQP_PORT)) || !(await requireService(t, 'nats', NATS_PORT)) || !(await requireService(t, 'mosquitto', MQTT_PORT))) return;
    const before = open();
    const events: WaitProgress[] = [];
    await waitFor([AMQP_URL, NATS_URL, MQTT_URL], { ...QUICK, timeoutMs: 30_000, onProgress: (event) => events.push(event) });
    const ready = events.filter((event) => event.type === 'ready').map((event) => event.target);
    assert.deepEqual(ready.sort(), [AMQP_URL.replace(/\/\/[^@]*@/, '//***@'), NATS_URL, MQTT_URL].sort());
    await assertNothingLeft(before);
  });

  test('a broker driver that is not installed rejects with DriverMissingError naming it, before any attempt', async () => {
    const script = (target: string) => `
      const { waitFor } = await import(${JSON.stringify(sourceUrl('src/jobs/index.ts'))});
      let attempts = 0;
      await waitFor([${JSON.stringify(target)}], { timeoutMs: 20000, onProgress: () => (attempts += 1) }).then(
        () => console.log('resolved'),
        (error) => console.log(error.code, error.message, attempts),
      );`;
    const cases = [
      ['amqplib', 'amqp://guest:guest@127.0.0.1:1', 'amqplib'],
      ['nats', 'nats://127.0.0.1:1', 'nats'],
      ['mqtt', 'mqtts://127.0.0.1:1', 'mqtt'],
    ] as const;
    const outputs = await Promise.all(cases.map(([hidden, target]) => runWithoutPackages(hidden === 'nats' ? ['nats', '@nats-io/transport-node'] : [hidden], script(target))));
    for (const [index, [, , named]] of cases.entries()) {
      assert.equal(outputs[index]!.trim(), `SHIPSHAPE_DRIVER_MISSING the package "${named}" is not installed: run \`npm install ${named}\` 0`);
    }
  });

  test('waits for a port that starts listening late: failed attempts, then ready', async () => {
    const port = await refusedPort();
    const events: WaitProgress[] = [];
    const server = net.createServer((socket) => socket.end());
    const waiting = waitFor([`tcp://127.0.0.1:${port}`], {
      ...QUICK,
      timeoutMs: 30_000,
      onProgress: (event) => {
        events.push(event);
        if (event.type === 'failed' && event.attempt === 3) server.listen(port, '127.0.0.1');
      },
    });
    try {
      await waiting;
    } finally {
      server.close();
    }
    const failed = events.filter((event) => event.type === 'failed');
    assert.ok(failed.length >= 3 && failed.every((event) => event.type === 'failed' && event.cause === 'ECONNREFUSED'));
    assert.equal(events.at(-1)?.type, 'ready');
  });

  test('grpc://host:port/service waits until the health service answers SERVING for that service', async () => {
    const probes = createProbes({ readiness: { db: async () => {} }, manualReady: true });
    const { server, port } = await startGrpcServer((server) => addHealthService(server, probes));
    const before = open();
    const events: WaitProgress[] = [];
    try {
      await waitFor([`grpc://127.0.0.1:${port}/readiness`, `grpc://localhost:${port}`, `grpc://127.0.0.1:${port}/db`], {
        ...QUICK,
        timeoutMs: 30_000,
        onProgress: (event) => {
          events.push(event);
          if (event.type === 'failed' && event.attempt === 3) probes.markReady();
        },
      });
      const failed = events.flatMap((event) => (event.type === 'failed' ? [[event.target, event.cause]] : []));
      assert.deepEqual(failed.slice(0, 2), [
        [`grpc://127.0.0.1:${port}/readiness`, 'service "readiness" is NOT_SERVING'],
        // localhost is tried on both loopback addresses; the server listens on 127.0.0.1 alone
        [`grpc://localhost:${port}`, '127.0.0.1: service "" is NOT_SERVING; [::1]: ECONNREFUSED'],
      ]);
      assert.ok(!failed.some(([target]) => target === `grpc://127.0.0.1:${port}/db`), 'a check alone ignores the app state');
      assert.deepEqual(events.filter((event) => event.type === 'ready').length, 3);
      await assertNothingLeft(before);
    } finally {
      server.forceShutdown();
      await probes.close();
    }
  });

  test('grpc://: the path is the service, percent-decoded, slashes kept; an IPv6 address in brackets', async () => {
    const probes = createProbes({ readiness: { 'team/db': async () => {} } });
    const server = new grpcjs.Server();
    addHealthService(server, probes);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('[::1]:0', grpcjs.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    try {
      const ready: string[] = [];
      await waitFor([`grpc://[::1]:${port}/team/db`, `grpc://[::1]:${port}/team%2Fdb`, `grpc://[::1]:${port}/`], {
        ...QUICK,
        timeoutMs: 30_000,
        onProgress: (event) => void (event.type === 'ready' && ready.push(event.target)),
      });
      assert.equal(ready.length, 3);
      await assert.rejects(waitFor([`grpc://[::1]:${port}/team%2`]), (error: unknown) => error instanceof InvalidOptionError && /is not grpc:\/\/host:port\[\/service\].*percent-encoded/.test(error.message));
    } finally {
      server.forceShutdown();
    }
  });

  test('grpc://: an unknown service or a refused port fails with a short cause until the timeout', async () => {
    const { server, port } = await startGrpcServer((server) => addHealthService(server, createProbes()));
    const refused = await refusedPort();
    try {
      const error = await waitFor([`grpc://127.0.0.1:${port}/nope`, `grpc://127.0.0.1:${refused}`], { ...QUICK, timeoutMs: 1000 }).then(
        () => assert.fail('resolved'),
        (rejection: unknown) => rejection,
      );
      assert.ok(error instanceof WaitTimeoutError);
      assert.deepEqual(
        error.targets.map(({ target, cause }) => [target, cause]),
        [
          [`grpc://127.0.0.1:${port}/nope`, 'Health/Check failed: NOT_FOUND: unknown service "nope"'],
          [`grpc://127.0.0.1:${refused}`, 'ECONNREFUSED'],
        ],
      );
    } finally {
      server.forceShutdown();
    }
  });

  test('rejects at timeoutMs with WaitTimeoutError naming each target still failing, credentials redacted', async () => {
    const secret = `Pw-${process.pid}-wait-secret`;
    const [pgPort, redisPort] = [await refusedPort(), await refusedPort()];
    const started = Date.now();
    const before = open();
    const error = await waitFor([`postgres://postgres:${secret}@127.0.0.1:${pgPort}/test`, `redis://:${secret}@127.0.0.1:${redisPort}`], { ...QUICK, timeoutMs: 1000 }).then(
      () => assert.fail('resolved'),
      (rejection: unknown) => rejection,
    );
    assert.ok(error instanceof WaitTimeoutError);
    assert.equal(error.code, 'SHIPSHAPE_WAIT_TIMEOUT');
    assert.deepEqual(
      error.targets.map(({ target, cause }) => [target, cause]),
      [
        [`postgres://***@127.0.0.1:${pgPort}/test`, 'ECONNREFUSED'],
        [`redis://***@127.0.0.1:${redisPort}`, 'ECONNREFUSED'],
      ],
    );
    assert.ok(error.targets.every((failure) => failure.attempts >= 2));
    assert.match(error.message, new RegExp(`^not ready after 1 s: postgres://\\*\\*\\*@127\\.0\\.0\\.1:${pgPort}/test: ECONNREFUSED \\(\\d+ attempts\\); redis://`));
    assert.ok(!JSON.stringify({ message: error.message, targets: error.targets, json: error }).includes(secret), 'the password is nowhere');
    assert.ok(Date.now() - started < 1000 + 8000, 'gave up at the timeout');
    await assertNothingLeft(before);
  });

  test('stops when its signal aborts, rejecting with the reason, every connection closed', async () => {
    const port = await refusedPort();
    const before = open();
    const stop = new AbortController();
    const reason = new Error('the test is over');
    const started = Date.now();
    await assert.rejects(
      waitFor([`tcp://127.0.0.1:${port}`, `postgres://postgres@127.0.0.1:${port}/test`], {
        ...QUICK,
        timeoutMs: 60_000,
        signal: stop.signal,
        onProgress: (event) => {
          if (event.type === 'failed') stop.abort(reason);
        },
      }),
      (error) => error === reason,
    );
    assert.ok(Date.now() - started < 10_000, 'long before its timeout');
    await assertNothingLeft(before);
    let tried = false;
    await assert.rejects(waitFor([`tcp://127.0.0.1:${port}`], { signal: AbortSignal.abort(reason), onProgress: () => (tried = true) }), (error) => error === reason);
    assert.equal(tried, false, 'an aborted signal tries nothing');
  });

  test('refuses a target that is not one it knows, or bad options, before trying anything, never echoing a target', async () => {
    const invalid = (pattern: RegExp) => (error: unknown) => error instanceof InvalidOptionError && pattern.test(error.message) && !error.message.includes('hunter2');
    await assert.rejects(waitFor(['tcp://127.0.0.1:1', 'ftp://u:hunter2@files']), invalid(/^targets\[1\] has an unknown scheme \(ftp:\/\/\): expected a postgres:\/\/, .*, http\(s\):\/\/ or grpc:\/\/ URL$/));
    await assert.rejects(waitFor(['db:5432']), invalid(/^targets\[0\] is host:port, not a URL/));
    await assert.rejects(waitFor(['redis://:hunter2@']), invalid(/^targets\[0\] is not a valid redis:\/\/ URL/));
    await assert.rejects(waitFor(['amqp://guest:hunter2@rabbitmq/a/b']), invalid(/^targets\[0\] is not a valid amqp:\/\/ URL \(amqp:\/\/host\[:port\]\[\/vhost\], a \/ in the vhost written %2F\)$/));
    await assert.rejects(waitFor(['nats://a:4222,tcp://hunter2@b']), invalid(/^targets\[0\] is not a valid nats:\/\/ URL/));
    await assert.rejects(waitFor(['grpc://payments']), invalid(/^targets\[0\] is not grpc:\/\/host:port\[\/service\] \(IPv6 as grpc:\/\/\[::1\]:port\)$/));
    await assert.rejects(waitFor(['grpc://u:hunter2@payments:50051']), invalid(/^targets\[0\] is not grpc:\/\/host:port\[\/service\]/));
    await assert.rejects(waitFor(['grpc://payments:50051/a?b']), invalid(/^targets\[0\] is not grpc:\/\/host:port\[\/service\]/));
    await assert.rejects(waitFor([]), invalid(/non-empty array/));
    await assert.rejects(waitFor(['tcp://127.0.0.1:1'], { stableMs: 5000, timeoutMs: 5000 }), invalid(/`stableMs` \(5000\) to be shorter than `timeoutMs` \(5000\)/));
    await assert.rejects(waitFor(['tcp://127.0.0.1:1'], { intervalMs: -1 }), invalid(/`intervalMs` to be a positive number/));
    await assert.rejects(waitFor(['tcp://127.0.0.1:1'], { timeout: 5 } as never), invalid(/Unknown option `timeout`/));
  });
});
