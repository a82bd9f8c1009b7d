/**
 * `shipshape wait4 TARGET...` through the real binary: any mix of database URLs, Redis,
 * memcached, RabbitMQ, NATS, MQTT, TCP ports, HTTP endpoints and gRPC health services, against
 * the real services, brokers and local servers,
 * in parallel, each with its own stability window; malformed targets; `localhost` on
 * both loopback addresses; redaction.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { shipshape, startShipshape } from '../_helpers/cli.js';
import { waitForStderr } from '../_helpers/cli-output.js';
import { startMosquitto } from '../_helpers/mosquitto-server.js';
import { startNatsServer } from '../_helpers/nats-server.js';
import { AMQP_PORT, AMQP_URL, MEMCACHED_SERVER, MQTT_PORT, MQTT_URL, MYSQL_URL, NATS_PORT, NATS_URL, POSTGRES_URL, REDIS_URL, requireService } from '../_helpers/services.js';
import { refusedPort } from '../_helpers/sockets.js';
import { HealthImplementation } from 'grpc-health-check';
import { createProbes } from '../../src/core/probes.js';
import { addHealthService } from '../../src/grpc/health-service.js';
import { startGrpcServer } from '../_helpers/grpc.js';
import { linesOf, notReady, progressLines, readyAfter } from '../_helpers/wait4.js';

const FAST = ['--interval', '0.2', '--stable', '0.4', '--timeout', '30'];

interface Local {
  readonly port: number;
  close(): Promise<void>;
}

/** An HTTP server on `host`: `/ok` 200, `/moved` 302, `/broken` 500, `/flaky` 503 until `heal()`ed. */
async function startHttp(host = '127.0.0.1'): Promise<Local & { heal(): void; requests(path: string): number }> {
  let healed = false;
  const seen = new Map<string, number>();
  const server = http.createServer((request, response) => {
    const path = request.url ?? '/';
    seen.set(path, (seen.get(path) ?? 0) + 1);
    const status = path === '/ok' ? 200 : path === '/moved' ? 302 : path === '/broken' ? 500 : path === '/flaky' ? (healed ? 200 : 503) : 404;
    response.writeHead(status, status === 302 ? { location: '/elsewhere' } : {}).end();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    heal: () => (healed = true),
    requests: (path) => seen.get(path) ?? 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TCP server on `host`, or a forwarder to `forward` when given. */
async function startTcp(host = '127.0.0.1', port = 0, forward?: number): Promise<Local> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    if (forward === undefined) return void socket.end();
    const upstream = net.connect({ host: '127.0.0.1', port: forward });
    upstream.on('error', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
    socket.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let dir: string;
let web: Awaited<ReturnType<typeof startHttp>>;
let port: Local;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shipshape-wait4-'));
  new Database(join(dir, 'app.db')).close();
  web = await startHttp();
  port = await startTcp();
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await web.close();
  await port.close();
});

describe('wait4 with a mix of targets', () => {
  test('every kind against the real services and local servers: exit 0, a ready line for each, in parallel', async (t) => {
    for (const [name, p] of [['postgres', 5432], ['mariadb', 3306], ['redis', 6379], ['memcached', 11211]] as const) {
      if (!(await requireService(t, name, p))) return;
    }
    const targets = [
      POSTGRES_URL,
      MYSQL_URL,
      `sqlite://${join(dir, 'app.db')}`,
      REDIS_URL,
      `memcached://${MEMCACHED_SERVER}`,
      `tcp://127.0.0.1:${port.port}`,
      `http://127.0.0.1:${web.port}/ok`,
      `http://127.0.0.1:${web.port}/moved`,
    ];
    const labels = targets.map((target) => target.replace(/\/\/[^/@]*@/, '//***@'));
    const run = await shipshape(['wait4', ...targets, ...FAST]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.split('\n').length, targets.length + 1, run.stdout);
    for (const label of labels) {
      assert.ok(readyAfter(run.stdout, label, '0.4') !== undefined, `${label} in\n${run.stdout}`);
      const lines = linesOf(run.stderr, label);
      assert.ok(lines.length >= 2 && lines.every((line) => line.command === 'wait4' && line.text.startsWith('ok, stable for')), run.stderr);
    }
    // in parallel: the whole wait takes about one window, not one per target
    const last = Math.max(...labels.map((label) => readyAfter(run.stdout, label, '0.4')!));
    assert.ok(last < 0.4 * targets.length, `all ready after ${last} s`);
  });

  test('one target failing: exit 1 at --timeout, naming only that one, with its cause', async (t) => {
    if (!(await requireService(t, 'redis', 6379)) || !(await requireService(t, 'memcached', 11211))) return;
    const refused = await refusedPort();
    const run = await shipshape(['wait4', REDIS_URL, `memcached://${MEMCACHED_SERVER}`, `tcp://127.0.0.1:${refused}`, `http://127.0.0.1:${web.port}/ok`, '--timeout', '1.5', '--interval', '0.2', '--stable', '0.4']);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(notReady(run.stdout).map((line) => [line.target, line.cause]), [[`tcp://127.0.0.1:${refused}`, 'ECONNREFUSED']]);
    assert.equal(run.stdout.match(/ is ready /g)?.length, 3, 'the others are ready');
    assert.ok(linesOf(run.stderr, `tcp://127.0.0.1:${refused}`).every((line) => line.text === 'ECONNREFUSED'));
  });

  test('each failure says what went wrong: HTTP status, memcached and Redis down', async () => {
    const refused = await refusedPort();
    const run = await shipshape(['wait4', `http://127.0.0.1:${web.port}/broken`, `memcached://127.0.0.1:${refused}`, `redis://127.0.0.1:${refused}`, '--timeout', '0.8', '--interval', '0.2', '--stable', '0.4']);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(
      notReady(run.stdout).map((line) => [line.target, line.cause]),
      [
        [`http://127.0.0.1:${web.port}/broken`, 'HTTP 500, expected 2xx or 3xx'],
        [`memcached://127.0.0.1:${refused}`, `127.0.0.1:${refused} not responding`],
        [`redis://127.0.0.1:${refused}`, 'ECONNREFUSED'],
      ],
    );
  });

  test('each target has its own window: one that is up is done while a late one still waits', async () => {
    const late = await refusedPort();
    const child = startShipshape(['wait4', `http://127.0.0.1:${web.port}/flaky`, `tcp://127.0.0.1:${port.port}`, `tcp://127.0.0.1:${late}`, '--interval', '0.2', '--stable', '0.4', '--timeout', '30']);
    await waitForStderr(child, /ECONNREFUSED/, 4);
    web.heal();
    const server = await startTcp('127.0.0.1', late);
    try {
      const run = await child.done;
      assert.equal(run.status, 0, run.stderr);
      const up = readyAfter(run.stdout, `tcp://127.0.0.1:${port.port}`, '0.4')!;
      const lateReady = readyAfter(run.stdout, `tcp://127.0.0.1:${late}`, '0.4')!;
      const flaky = linesOf(run.stderr, `http://127.0.0.1:${web.port}/flaky`);
      assert.equal(flaky[0]!.text, 'HTTP 503, expected 2xx or 3xx');
      assert.ok(up < lateReady, 'the target that was up is ready first');
      assert.ok(run.stdout.indexOf(`tcp://127.0.0.1:${port.port} is ready`) < run.stdout.indexOf(`tcp://127.0.0.1:${late} is ready`), 'and says so when it is');
      const upLines = linesOf(run.stderr, `tcp://127.0.0.1:${port.port}`);
      assert.ok(upLines.at(-1)!.elapsedS <= up, 'and is not tried once stable');
      assert.ok(readyAfter(run.stdout, `http://127.0.0.1:${web.port}/flaky`, '0.4') !== undefined);
    } finally {
      await server.close();
    }
  });
  test('a target that answers but is not yet stable at --timeout is named with how long it has answered', async () => {
    const late = await refusedPort();
    const child = startShipshape(['wait4', `tcp://127.0.0.1:${late}`, '--interval', '0.2', '--stable', '1.5', '--timeout', '2']);
    // the 3rd refusal is at 0.4 s at the earliest: a window opening after it cannot end by 2 s
    await waitForStderr(child, /ECONNREFUSED/, 3);
    const server = await startTcp('127.0.0.1', late);
    try {
      const run = await child.done;
      assert.equal(run.status, 1, run.stderr);
      const [line, ...others] = notReady(run.stdout);
      assert.deepEqual(others, []);
      assert.equal(line?.target, `tcp://127.0.0.1:${late}`);
      assert.match(line.cause, /^ok for \d\.\d of 1\.5 s, not yet stable \(last failure: ECONNREFUSED\)$/);
    } finally {
      await server.close();
    }
  });
});

describe('wait4 with message brokers', () => {
  const brokersUp = async (t: Parameters<typeof requireService>[0]): Promise<boolean> =>
    (await requireService(t, 'rabbitmq', AMQP_PORT)) && (await requireService(t, 'nats', NATS_PORT)) && (await requireService(t, 'mosquitto', MQTT_PORT));

  test('amqp://, nats:// and mqtt:// against the live brokers, mixed with a database: exit 0, a ready line for each, credentials redacted', async (t) => {
    if (!(await requireService(t, 'postgres', 5432)) || !(await brokersUp(t))) return;
    const refused = await refusedPort();
    const { port: natsPort } = new URL(NATS_URL);
    const targets = [
      POSTGRES_URL,
      AMQP_URL,
      `${AMQP_URL}/%2F`, // the default vhost, written out
      NATS_URL,
      `nats://127.0.0.1:${refused},nats://localhost:${natsPort}`, // a list: the first that answers
      MQTT_URL,
      MQTT_URL.replace('127.0.0.1', 'localhost'), // tried as 127.0.0.1 and ::1
    ];
    const labels = targets.map((target) => target.replace(/\/\/[^/@,]*@/, '//***@'));
    assert.ok(labels[1]!.startsWith('amqp://***@'), labels[1]);
    const run = await shipshape(['wait4', ...targets, ...FAST]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.split('\n').length, targets.length + 1, run.stdout);
    for (const label of labels) assert.ok(readyAfter(run.stdout, label, '0.4') !== undefined, `${label} in\n${run.stdout}`);
    assert.doesNotMatch(run.stdout + run.stderr, /guest:guest/);
  });

  test('a refused port is a timeout (exit 1) naming each broker with a short cause', async () => {
    const refused = await refusedPort();
    const targets = [`amqp://guest:guest@127.0.0.1:${refused}`, `nats://127.0.0.1:${refused}`, `mqtt://127.0.0.1:${refused}`, `mqtts://localhost:${refused}`];
    const started = Date.now();
    // 3 s: a fresh process's first MQTT connection loads more of MQTT.js (its `ws` transport)
    const run = await shipshape(['wait4', ...targets, '--timeout', '3', '--interval', '0.2', '--stable', '0.4']);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(
      notReady(run.stdout).map((line) => [line.target, line.cause]),
      [
        [`amqp://***@127.0.0.1:${refused}`, 'ECONNREFUSED'],
        [`nats://127.0.0.1:${refused}`, 'ECONNREFUSED'],
        [`mqtt://127.0.0.1:${refused}`, 'ECONNREFUSED'],
        [`mqtts://localhost:${refused}`, 'ECONNREFUSED'],
      ],
    );
    assert.ok(Date.now() - started < 20_000, 'gave up at the timeout');
  });

  test('a wrong password or a missing vhost says so on every line, never showing the password', async (t) => {
    if (!(await requireService(t, 'rabbitmq', AMQP_PORT))) return;
    const secret = `amqp-${process.pid}-s3cret`;
    const { host } = new URL(AMQP_URL);
    const vhost = `${AMQP_URL}/shipshape-no-such-vhost`;
    const run = await shipshape(['wait4', `amqp://guest:${secret}@${host}`, vhost, '--timeout', '4', '--interval', '0.2', '--stable', '0.4']);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(
      notReady(run.stdout).map((line) => [line.target, line.cause]),
      [
        [`amqp://***@${host}`, 'authentication failed: ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN'],
        [vhost.replace(/\/\/[^/@]*@/, '//***@'), 'the broker refused vhost "shipshape-no-such-vhost" (it does not exist, or the user may not use it)'],
      ],
    );
    assert.ok(!(run.stdout + run.stderr).includes(secret));
  });

  test('a NATS server and a Mosquitto that start after wait4 began are waited for', async () => {
    const [natsPort, mqttPort] = [await refusedPort(), await refusedPort()];
    const targets = [`nats://127.0.0.1:${natsPort}`, `mqtt://127.0.0.1:${mqttPort}`];
    const child = startShipshape(['wait4', ...targets, '--interval', '0.2', '--stable', '0.4', '--timeout', '60']);
    for (const target of targets) await waitForStderr(child, new RegExp(`${target.replaceAll('.', '\\.')}: ECONNREFUSED`));
    const servers = [await startNatsServer({ port: natsPort }), await startMosquitto({ port: mqttPort })];
    try {
      const run = await child.done;
      assert.equal(run.status, 0, run.stderr);
      for (const target of targets) {
        const lines = linesOf(run.stderr, target);
        assert.ok(lines.some((line) => line.text === 'ECONNREFUSED'), target);
        assert.ok(lines.at(-1)!.text.startsWith('ok, stable for'), target);
        assert.ok(readyAfter(run.stdout, target, '0.4') !== undefined, run.stdout);
      }
    } finally {
      await Promise.all(servers.map((server) => server.kill()));
    }
  });
});

describe('wait4 targets', () => {
  test('a malformed target, an unknown scheme or none at all is exit 2 naming which, before any attempt', async () => {
    const cases: [string[], string][] = [
      [[], 'no target: give one or more of a postgres://, postgresql://, mysql://, mariadb://, sqlite:, file:, redis://, rediss://, memcached://, amqp(s)://, nats://, mqtt(s)://, tcp://, http(s):// or grpc:// URL'],
      [['tcp://127.0.0.1:1', 'ftp://files'], 'target 2 has an unknown scheme (ftp://): expected a postgres://, postgresql://, mysql://, mariadb://, sqlite:, file:, redis://, rediss://, memcached://, amqp(s)://, nats://, mqtt(s)://, tcp://, http(s):// or grpc:// URL'],
      [['just-a-word'], 'target 1 is not a URL: expected a postgres://, postgresql://, mysql://, mariadb://, sqlite:, file:, redis://, rediss://, memcached://, amqp(s)://, nats://, mqtt(s)://, tcp://, http(s):// or grpc:// URL'],
      [['db:5432'], 'target 1 is host:port, not a URL: write tcp://host:port (or the service\'s own URL)'],
      [['tcp://db'], 'target 1 is not tcp://host:port (IPv6 as tcp://[::1]:port)'],
      [['tcp://db:70000'], 'target 1 is not tcp://host:port (IPv6 as tcp://[::1]:port)'],
      [['tcp://admin:hunter2hunter2@db:1'], 'target 1 is not tcp://host:port (IPv6 as tcp://[::1]:port)'],
      [['memcached://'], 'target 1 is not memcached://host[:port] (IPv6 as memcached://[::1]:port)'],
      [['grpc://payments'], 'target 1 is not grpc://host:port[/service] (IPv6 as grpc://[::1]:port)'],
      [['redis://:hunter2hunter2@'], 'target 1 is not a valid redis:// URL (redis://host[:port])'],
      [['https://'], 'target 1 is not a valid https:// URL'],
      [['mysql://root:hunter2hunter2@[::1/test'], 'target 1 is not a valid mysql:// URL'],
      [['sqlite:'], 'target 1 names no SQLite file (sqlite:///path/to/app.db)'],
      [['amqp://guest:hunter2hunter2@'], 'target 1 is not a valid amqp:// URL (amqp://host[:port][/vhost])'],
      [['amqps://rabbitmq/orders/eu'], 'target 1 is not a valid amqps:// URL (amqps://host[:port][/vhost], a / in the vhost written %2F)'],
      [['nats://nats-0:4222,redis://:hunter2hunter2@cache'], 'target 1 is not a valid nats:// URL (nats://host[:port], several comma-separated)'],
      [['nats://nats-0:4222,'], 'target 1 is not a valid nats:// URL (nats://host[:port], several comma-separated)'],
      [['mqtt://'], 'target 1 is not a valid mqtt:// URL (mqtt://host[:port])'],
    ];
    const runs = await Promise.all(cases.map(([args]) => shipshape(['wait4', ...args])));
    for (const [index, run] of runs.entries()) {
      const [args, message] = cases[index]!;
      assert.equal(run.status, 2, args.join(' '));
      assert.equal(run.stdout, '');
      assert.equal(run.stderr, `shipshape wait4: ${message} (see shipshape wait4 --help)\n`);
    }
  });

  test('localhost is tried as 127.0.0.1 and ::1, so a server on ::1 alone is found (this machine resolves localhost to 127.0.0.1 only)', async (t) => {
    if (!(await requireService(t, 'postgres', 5432))) return;
    const v6 = await startHttp('::1');
    const v6tcp = await startTcp('::1');
    // PostgreSQL itself listens on 127.0.0.1: a forwarder makes it reachable on ::1 alone
    const v6pg = await startTcp('::1', 0, 5432);
    try {
      const targets = [`http://localhost:${v6.port}/ok`, `tcp://localhost:${v6tcp.port}`, `postgres://postgres@localhost:${v6pg.port}/test`];
      const run = await shipshape(['wait4', ...targets, ...FAST]);
      assert.equal(run.status, 0, run.stderr);
      assert.ok(readyAfter(run.stdout, targets[0]!, '0.4') !== undefined, run.stdout);
      assert.ok(readyAfter(run.stdout, targets[1]!, '0.4') !== undefined, run.stdout);
      assert.ok(readyAfter(run.stdout, `postgres://***@localhost:${v6pg.port}/test`, '0.4') !== undefined, run.stdout);
      assert.ok(v6.requests('/ok') >= 2, 'asked on ::1');
      // and when neither address answers, the cause is said once
      const refused = await refusedPort();
      const none = await shipshape(['wait4', `tcp://localhost:${refused}`, '--timeout', '0.5', '--interval', '0.2', '--stable', '0.2']);
      assert.equal(none.status, 1);
      assert.deepEqual(notReady(none.stdout).map((line) => line.cause), ['ECONNREFUSED']);
    } finally {
      await Promise.all([v6.close(), v6tcp.close(), v6pg.close()]);
    }
  });

  test('no password or URL credentials ever appear in stdout or stderr', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306)) || !(await requireService(t, 'redis', 6379)) || !(await requireService(t, 'rabbitmq', AMQP_PORT))) return;
    const secret = `Pw-${process.pid}-s3cret`;
    const refused = await refusedPort();
    const targets = [
      `postgres://postgres:${secret}@127.0.0.1:${refused}/test`,
      `mysql://root:${secret}@127.0.0.1:3306/test`,
      `redis://:${secret}@127.0.0.1:6379`,
      `http://admin:${secret}@127.0.0.1:${web.port}/broken?token=${secret}`,
      `amqp://guest:${secret}@127.0.0.1:${AMQP_PORT}`,
      `nats://${secret}@127.0.0.1:${refused}`, // a token
      `mqtts://app:${secret}@127.0.0.1:${refused}`,
    ];
    const run = await shipshape(['wait4', ...targets, '--timeout', '1', '--interval', '0.2', '--stable', '0.4']);
    assert.equal(run.status, 1, run.stderr);
    const output = run.stdout + run.stderr;
    assert.ok(!output.includes(secret), output);
    assert.ok(!output.includes(encodeURIComponent(secret)));
    assert.ok(progressLines(run.stderr).length >= targets.length);
    assert.match(output, /postgres:\/\/\*\*\*@127\.0\.0\.1/);
    assert.match(output, /http:\/\/\*\*\*@127\.0\.0\.1:\d+\/broken\?token=\*\*\*/);
    for (const label of [`amqp://***@127.0.0.1:${AMQP_PORT}`, `nats://***@127.0.0.1:${refused}`, `mqtts://***@127.0.0.1:${refused}`]) assert.ok(output.includes(`${label} is not ready`), label);
  });
});

describe('wait4 grpc://', () => {
  test('waits for SERVING from a grpc-health-check server and from addHealthService; NOT_SERVING and an unknown service are not ready', async () => {
    const thirdParty = await startGrpcServer((server) => new HealthImplementation({ '': 'SERVING', 'payments.v1.Payments': 'SERVING', 'search.v1.Search': 'NOT_SERVING' }).addToServer(server));
    const probes = createProbes({ readiness: { db: async () => {} } });
    const ours = await startGrpcServer((server) => addHealthService(server, probes));
    try {
      const ready = [`grpc://127.0.0.1:${thirdParty.port}`, `grpc://127.0.0.1:${thirdParty.port}/payments.v1.Payments`, `grpc://127.0.0.1:${ours.port}/readiness`, `grpc://127.0.0.1:${ours.port}/db`];
      const run = await shipshape(['wait4', ...ready, ...FAST]);
      assert.equal(run.status, 0, run.stderr);
      for (const target of ready) assert.ok(readyAfter(run.stdout, target, '0.4') !== undefined, `${target} in\n${run.stdout}`);

      const notServing = [`grpc://127.0.0.1:${thirdParty.port}/search.v1.Search`, `grpc://127.0.0.1:${ours.port}/nope`];
      const failing = await shipshape(['wait4', ...notServing, '--timeout', '1', '--interval', '0.2', '--stable', '0.4']);
      assert.equal(failing.status, 1, failing.stderr);
      assert.deepEqual(
        notReady(failing.stdout).map((line) => [line.target, line.cause]),
        [
          [notServing[0], 'service "search.v1.Search" is NOT_SERVING'],
          [notServing[1], 'Health/Check failed: NOT_FOUND: unknown service "nope"'],
        ],
      );
    } finally {
      thirdParty.close();
      ours.close();
      await probes.close();
    }
  });
});

describe('wait4 in-process', () => {
  test('leaves no socket or timer behind, ready or not (every connection closed before it returns)', async (t) => {
    if (!(await requireService(t, 'postgres', 5432)) || !(await requireService(t, 'redis', 6379))) return;
    if (!(await requireService(t, 'rabbitmq', AMQP_PORT)) || !(await requireService(t, 'nats', NATS_PORT)) || !(await requireService(t, 'mosquitto', MQTT_PORT))) return;
    const { runCli } = await import('../../src/cli/cli.js');
    const { memoryIO } = await import('../_helpers/cli.js');
    const open = (): string[] => process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap' || name === 'Timeout');
    const before = open().length;
    const refused = await refusedPort();
    const io = memoryIO();
    const brokers = [AMQP_URL, NATS_URL, MQTT_URL, `nats://127.0.0.1:${refused}`, `mqtt://127.0.0.1:${refused}`, `amqp://127.0.0.1:${refused}`];
    const code = await runCli(['wait4', POSTGRES_URL, REDIS_URL, `memcached://${MEMCACHED_SERVER}`, ...brokers, `tcp://127.0.0.1:${refused}`, '--timeout', '1', '--interval', '0.2', '--stable', '0.4'], io);
    assert.equal(code, 1, io.err());
    assert.match(io.out(), /is not ready after 1 s: ECONNREFUSED/);
    // the servers' ends of the connections close a moment later (and what was open before
    // may have closed meanwhile: Node 24 had a timer of its own open at the start)
    for (let i = 0; i < 50 && open().length > before; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(open().length <= before, `still open: ${open().join(', ')} (${before} before)`);
  });
});
