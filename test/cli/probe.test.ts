/**
 * `shipshape probe` through the real binary: its flags and exit codes, and the in-process
 * probe — liveness without config, readiness built from DATABASE_URL / REDIS_URL /
 * MEMCACHED_SERVERS / AMQP_URL / NATS_URL / MQTT_URL against the real PostgreSQL, MariaDB,
 * Redis, memcached, RabbitMQ, NATS and Mosquitto, a config's
 * own checks, `--timeout`, `--quiet`, `--verbose`, `--json`, redaction and the 4 KiB cap.
 * (`--socket`: probe-socket.test.ts; `--url`: probe-url.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { USAGE } from '../../src/cli/commands/probe.js';
import { shipshape, type CliRun } from '../_helpers/cli.js';
import { AMQP_PORT, AMQP_URL, MEMCACHED_SERVER, MQTT_PORT, MQTT_URL, MYSQL_URL, NATS_PORT, NATS_URL, POSTGRES_URL, REDIS_URL, requireService } from '../_helpers/services.js';
import { refusedPort, startBlackhole } from '../_helpers/sockets.js';

const dir = mkdtempSync(path.join(tmpdir(), `ss-probe-${process.pid}-`));
after(() => rmSync(dir, { recursive: true, force: true }));
let configs = 0;
/**
 * A check's timeout covers loading its driver: a fresh process loading mysql2 on a loaded
 * 2-core machine can take longer than the default 900 ms, so checks that must pass get 5 s.
 */
const SLOW_MACHINE = ['--timeout', '5'];

/** A config file (`--config FILE`) holding `source`. */
function configFile(source: string): string {
  const file = path.join(dir, `config-${(configs += 1)}.mjs`);
  writeFileSync(file, source);
  return file;
}

function usageError(run: CliRun, message: RegExp): void {
  assert.equal(run.status, 2, run.stderr);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr.split('\n').length, 2, `one line: ${run.stderr}`);
  assert.match(run.stderr, message);
  assert.match(run.stderr, / \(see shipshape probe --help\)\n$/);
}

function noSecret(run: CliRun, ...secrets: string[]): void {
  for (const secret of secrets) {
    assert.ok(!run.stdout.includes(secret), `stdout shows ${secret}: ${run.stdout}`);
    assert.ok(!run.stderr.includes(secret), `stderr shows ${secret}: ${run.stderr}`);
  }
}

describe('shipshape probe: flags', () => {
  it('--help prints the usage, every flag included, and exits 0', async () => {
    const run = await shipshape(['probe', '--help']);
    assert.equal(run.status, 0);
    assert.equal(run.stdout, USAGE);
    for (const flag of ['--live', '--health', '--ready', '--startup', '--quiet', '--verbose', '--json', '--socket', '--url', '--timeout', '--config']) {
      assert.ok(USAGE.includes(flag), flag);
    }
  });

  it('exits 2 without a probe flag', async () => {
    usageError(await shipshape(['probe']), /^shipshape probe: which probe\? give one of --live, --health, --ready, --startup/);
  });

  it('exits 2 for two different probes, and takes --live with --health (the same probe)', async () => {
    usageError(await shipshape(['probe', '--ready', '--startup']), /^shipshape probe: one probe at a time: --ready and --startup were both given/);
    usageError(await shipshape(['probe', '--health', '--ready']), /one probe at a time: --health and --ready were both given/);
    const same = await shipshape(['probe', '--live', '--health']);
    assert.equal(same.status, 0);
    assert.equal(same.stdout, 'ok\n');
  });

  it('exits 2 for --socket with --url, an unknown flag, a positional, a flag without its value', async () => {
    usageError(await shipshape(['probe', '--live', '--socket', '/tmp/x.sock', '--url', 'http://127.0.0.1:1']), /--socket and --url ask in two different ways: give one of them/);
    usageError(await shipshape(['probe', '--live', '--frob']), /^shipshape probe: unknown option --frob/);
    usageError(await shipshape(['probe', '--live', 'hunter2']), /^shipshape probe: unexpected argument: this command takes options only/);
    usageError(await shipshape(['probe', '--live', '--socket']), /^shipshape probe: option --socket needs a value/);
    usageError(await shipshape(['probe', '--live', '--socket', '']), /^shipshape probe: --socket needs the path of a socket file/);
  });

  it('exits 2 for a --timeout that is not a number of seconds above 0', async () => {
    for (const value of ['0', '-1', 'abc', '1s']) {
      usageError(await shipshape(['probe', '--ready', `--timeout=${value}`]), new RegExp(`--timeout must be a number of seconds above 0 \\(decimals allowed\\), got "${value}"`));
    }
  });

  it('exits 2 for a --url that is not an http(s) URL, without echoing its credentials', async () => {
    const ftp = await shipshape(['probe', '--live', '--url', 'ftp://u:pw-secret-1@host/']);
    usageError(ftp, /--url must be an http:\/\/ or https:\/\/ base URL such as http:\/\/127\.0\.0\.1:3000, got a "ftp:" URL/);
    noSecret(ftp, 'pw-secret-1', 'host');
    usageError(await shipshape(['probe', '--live', '--url', 'http://127.0.0.1:3000/#x']), /--url cannot have a #fragment/);
    const run = await shipshape(['probe', '--live', '--url', 'not a url pw-secret-2']);
    usageError(run, /--url must be an http:\/\/ or https:\/\/ base URL such as http:\/\/127\.0\.0\.1:3000 \(see/);
    noSecret(run, 'pw-secret-2');
  });
});

describe('shipshape probe: in-process liveness', () => {
  it('passes when the process starts: ok, exit 0', async () => {
    const run = await shipshape(['probe', '--live']);
    assert.deepEqual([run.status, run.stdout, run.stderr], [0, 'ok\n', '']);
  });

  it('--verbose ends with the word of the probe’s path; --health is /healthz', async () => {
    assert.equal((await shipshape(['probe', '--live', '--verbose'])).stdout, 'livez check passed\n');
    assert.equal((await shipshape(['probe', '--health', '--verbose'])).stdout, 'healthz check passed\n');
  });

  it('--json prints the health+json of a passing probe; --quiet prints nothing', async () => {
    assert.deepEqual(JSON.parse((await shipshape(['probe', '--live', '--json'])).stdout), { status: 'pass', checks: {} });
    const quiet = await shipshape(['probe', '--live', '--quiet']);
    assert.deepEqual([quiet.status, quiet.stdout, quiet.stderr], [0, '', '']);
  });

  it('never runs readiness checks: a dead database does not fail it', async () => {
    const run = await shipshape(['probe', '--live'], { env: { DATABASE_URL: `postgres://127.0.0.1:${await refusedPort()}/x` } });
    assert.deepEqual([run.status, run.stdout], [0, 'ok\n']);
  });

  it('runs the config’s liveness checks when there are some', async () => {
    const config = configFile("export default { probes: { liveness: { loop: () => { throw new Error('event loop stalled'); } } } };\n");
    const run = await shipshape(['probe', '--live', '--config', config]);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '[-]loop failed: event loop stalled\nlivez check failed\n');
  });
});

describe('shipshape probe: in-process readiness from the environment', () => {
  it('passes with no check at all (nothing configured, nothing in the environment)', async () => {
    const run = await shipshape(['probe', '--ready', '--verbose']);
    assert.deepEqual([run.status, run.stdout], [0, 'readyz check passed\n']);
  });

  it('checks PostgreSQL, Redis and memcached from DATABASE_URL, REDIS_URL, MEMCACHED_SERVERS', async (t) => {
    if (!(await requireService(t, 'postgres', 5432)) || !(await requireService(t, 'redis', 6379)) || !(await requireService(t, 'memcached', 11211))) return;
    // trust authentication: the password is sent and ignored, and must never be printed
    const database = POSTGRES_URL.replace('postgres@', `postgres:pg-pass-${process.pid}@`);
    const env = { DATABASE_URL: database, REDIS_URL, MEMCACHED_SERVERS: MEMCACHED_SERVER };
    const run = await shipshape(['probe', '--ready', '--verbose', ...SLOW_MACHINE], { env });
    assert.equal(run.stderr, '');
    assert.equal(run.stdout, '[+]database ok\n[+]redis ok\n[+]memcached ok\nreadyz check passed\n');
    assert.equal(run.status, 0);
    const plain = await shipshape(['probe', '--ready', ...SLOW_MACHINE], { env });
    assert.deepEqual([plain.status, plain.stdout], [0, 'ok\n']);
    const startup = await shipshape(['probe', '--startup', '--verbose', ...SLOW_MACHINE], { env });
    assert.equal(startup.stdout, '[+]database ok\n[+]redis ok\n[+]memcached ok\nstartupz check passed\n');
  });

  it('checks RabbitMQ, NATS and MQTT from AMQP_URL, NATS_URL, MQTT_URL (NATS_URL may list several servers)', async (t) => {
    if (!(await requireService(t, 'rabbitmq', AMQP_PORT)) || !(await requireService(t, 'nats', NATS_PORT)) || !(await requireService(t, 'mosquitto', MQTT_PORT))) return;
    const dead = await refusedPort();
    const env = { REDIS_URL, AMQP_URL, NATS_URL: `nats://127.0.0.1:${dead},${NATS_URL}`, MQTT_URL };
    const run = await shipshape(['probe', '--ready', '--verbose', ...SLOW_MACHINE], { env });
    assert.equal(run.stderr, '');
    assert.equal(run.stdout, '[+]redis ok\n[+]rabbitmq ok\n[+]nats ok\n[+]mqtt ok\nreadyz check passed\n');
    assert.equal(run.status, 0);
  });

  it('a broker that refuses fails its check with a short reason, never showing the password', async () => {
    const dead = await refusedPort();
    const secret = `broker-pw-${process.pid}`;
    const env = { AMQP_URL: `amqp://app:${secret}@127.0.0.1:${dead}`, NATS_URL: `nats://${secret}@127.0.0.1:${dead}`, MQTT_URL: `mqtt://app:${secret}@127.0.0.1:${dead}` };
    const run = await shipshape(['probe', '--ready', ...SLOW_MACHINE], { env });
    assert.equal(run.status, 1);
    const refused = `connect ECONNREFUSED 127.0.0.1:${dead}`;
    assert.equal(run.stdout, `[-]rabbitmq failed: ${refused}\n[-]nats failed: ${refused}\n[-]mqtt failed: ${refused}\nreadyz check failed\n`);
    noSecret(run, secret);
  });

  it('exits 2 for an AMQP_URL, NATS_URL or MQTT_URL of another scheme, naming the variable', async () => {
    for (const [variable, check] of [['AMQP_URL', 'rabbitmq'], ['NATS_URL', 'nats'], ['MQTT_URL', 'mqtt']] as const) {
      const run = await shipshape(['probe', '--ready'], { env: { [variable]: 'redis://:hunter2hunter2@cache:6379' } });
      assert.equal(run.status, 2, variable);
      assert.match(run.stderr, new RegExp(`^shipshape probe: \\$${variable}: Expected the \`${check}\` `), run.stderr);
      noSecret(run, 'hunter2hunter2');
    }
  });

  it('checks MariaDB from a mysql:// or mariadb:// DATABASE_URL', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    for (const url of [MYSQL_URL, MYSQL_URL.replace(/^mysql:/, 'mariadb:')]) {
      const run = await shipshape(['probe', '--ready', '--verbose', ...SLOW_MACHINE], { env: { DATABASE_URL: url } });
      assert.equal(run.stdout, '[+]database ok\nreadyz check passed\n', run.stderr);
      assert.equal(run.status, 0);
    }
  });

  it('checks SQLite from a sqlite: DATABASE_URL (a missing file fails: it is never created)', async () => {
    const file = path.join(dir, 'app.db');
    const missing = await shipshape(['probe', '--ready'], { env: { DATABASE_URL: `sqlite://${file}` } });
    assert.equal(missing.status, 1);
    assert.match(missing.stdout, /^\[-\]database failed: cannot open .*app\.db: unable to open database file\nreadyz check failed\n$/);
    writeFileSync(file, ''); // an empty file is an empty SQLite database
    const run = await shipshape(['probe', '--ready', '--verbose', ...SLOW_MACHINE], { env: { DATABASE_URL: `sqlite://${file}` } });
    assert.equal(run.stdout, '[+]database ok\nreadyz check passed\n', run.stderr);
  });

  it('fails with the listing when a dependency is down, passing checks listed too (exit 1)', async (t) => {
    if (!(await requireService(t, 'redis', 6379)) || !(await requireService(t, 'memcached', 11211))) return;
    const dead = await refusedPort();
    const run = await shipshape(['probe', '--ready'], { env: { REDIS_URL, MEMCACHED_SERVERS: `${MEMCACHED_SERVER},127.0.0.1:${dead}` } });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, `[+]redis ok\n[-]memcached failed: 127.0.0.1:${dead} not responding\nreadyz check failed\n`);
    assert.equal(run.stderr, '');
  });

  it('never prints a password: a refused PostgreSQL and a MariaDB that refuses the password', async (t) => {
    if (!(await requireService(t, 'mariadb', 3306))) return;
    const pgSecret = `pg-secret-${process.pid}`;
    const mySecret = `my-secret-${process.pid}`;
    const pg = await shipshape(['probe', '--ready', '--json'], { env: { DATABASE_URL: `postgres://app:${pgSecret}@127.0.0.1:${await refusedPort()}/app` } });
    assert.equal(pg.status, 1);
    const body = JSON.parse(pg.stdout) as { status: string; checks: { database: { status: string; output: string }[] } };
    assert.equal(body.status, 'fail');
    assert.match(body.checks.database[0]!.output, /ECONNREFUSED/);
    noSecret(pg, pgSecret);
    const my = await shipshape(['probe', '--ready', ...SLOW_MACHINE], { env: { DATABASE_URL: MYSQL_URL.replace('root@', `root:${mySecret}@`) } });
    assert.equal(my.status, 1);
    assert.match(my.stdout, /^\[-\]database failed: Access denied for user 'root'.*\nreadyz check failed\n$/);
    noSecret(my, mySecret);
  });

  it('exits 2 for a DATABASE_URL no check serves, naming the variable and not the password', async () => {
    const run = await shipshape(['probe', '--ready'], { env: { DATABASE_URL: 'oracle://scott:tiger-pw-9@db/orcl' } });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^shipshape probe: \$DATABASE_URL: .*oracle:/);
    noSecret(run, 'tiger-pw-9');
  });

  it('--timeout is the timeout of every check: a blackholed database fails at it', async () => {
    const blackhole = await startBlackhole();
    try {
      const run = await shipshape(['probe', '--ready', '--timeout', '0.3'], { env: { DATABASE_URL: `postgres://127.0.0.1:${blackhole.port}/x` } });
      assert.equal(run.status, 1);
      assert.equal(run.stdout, '[-]database failed: timed out after 300 ms\nreadyz check failed\n');
      await blackhole.waitForAllClosed(5000);
    } finally {
      await blackhole.close();
    }
  });
});

describe('shipshape probe: in-process with a config', () => {
  it('runs the config’s checks; a failing non-critical one is a warning, exit 0', async () => {
    const config = configFile(`export default { probes: { readiness: {
      db: async () => {},
      search: { critical: false, run: () => { throw new Error('search: 3 of 5 nodes'); } },
    } } };\n`);
    const run = await shipshape(['probe', '--ready', '--config', config]);
    assert.equal(run.status, 0);
    assert.equal(run.stdout, 'ok\n');
    const verbose = await shipshape(['probe', '--ready', '--verbose', '--config', config]);
    assert.equal(verbose.stdout, '[+]db ok\n[!]search warn: search: 3 of 5 nodes\nreadyz check passed\n');
  });

  it('--json: status, checks and the identity of the options; details: false withholds reasons', async () => {
    const config = configFile(`export default { probes: { version: '1.2.3', serviceId: 'billing', details: false, readiness: {
      db: () => { throw new Error('db is down'); },
    } } };\n`);
    const json = await shipshape(['probe', '--ready', '--json', '--config', config]);
    assert.equal(json.status, 1);
    const body = JSON.parse(json.stdout) as Record<string, unknown> & { checks: { db: { output: string }[] } };
    assert.equal(body.status, 'fail');
    assert.equal(body.version, '1.2.3');
    assert.equal(body.serviceId, 'billing');
    assert.equal(body.checks.db[0]!.output, 'reason withheld');
    const text = await shipshape(['probe', '--ready', '--config', config]);
    assert.equal(text.stdout, '[-]db failed: reason withheld\nreadyz check failed\n');
  });

  it('--quiet prints nothing on failure either, and still exits 1', async () => {
    const config = configFile("export default { probes: { readiness: { db: () => { throw new Error('down'); } } } };\n");
    const run = await shipshape(['probe', '--ready', '--quiet', '--config', config]);
    assert.deepEqual([run.status, run.stdout, run.stderr], [1, '', '']);
  });

  it('prints each failure once, whatever logger the config has', async () => {
    const config = configFile("export default { probes: { logger: console, readiness: { db: () => { throw new Error('down'); } } } };\n");
    const run = await shipshape(['probe', '--ready', '--config', config]);
    assert.equal(run.stdout, '[-]db failed: down\nreadyz check failed\n');
    assert.equal(run.stderr, '');
  });

  it('--timeout overrides the config’s timeoutMs, but not a check’s own', async () => {
    const config = configFile(`const hang = () => new Promise(() => {});
export default { probes: { timeoutMs: 5000, readiness: { slow: hang, own: { run: hang, timeoutMs: 400 } } } };\n`);
    const run = await shipshape(['probe', '--ready', '--timeout', '0.2', '--config', config]);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '[-]slow failed: timed out after 200 ms\n[-]own failed: timed out after 400 ms\nreadyz check failed\n');
  });

  it('exits when done, even when a check leaves a timer or a socket behind', async () => {
    const config = configFile("import net from 'node:net';\nexport default { probes: { readiness: { leak: () => { setInterval(() => {}, 1000); net.connect(9, '127.0.0.1').on('error', () => {}); } } } };\n");
    const run = await shipshape(['probe', '--ready', '--config', config], { killAfterMs: 20_000 });
    assert.equal(run.signal, null, 'exited by itself');
    assert.equal(run.status, 0);
  });

  it('keeps its output under 4 KiB: trailing lines give way, the closing line stays', async () => {
    const config = configFile(`const readiness = {};
for (let i = 0; i < 100; i += 1) readiness['check-' + i] = () => { throw new Error('x'.repeat(150)); };
export default { probes: { readiness } };\n`);
    const text = await shipshape(['probe', '--ready', '--config', config]);
    assert.equal(text.status, 1);
    assert.ok(Buffer.byteLength(text.stdout) <= 4096, `${Buffer.byteLength(text.stdout)} bytes`);
    assert.match(text.stdout, /^\[-\]check-0 failed: x+\n/);
    assert.match(text.stdout, /\n…\nreadyz check failed\n$/);
    const json = await shipshape(['probe', '--ready', '--json', '--config', config]);
    assert.ok(Buffer.byteLength(json.stdout) <= 4096, `${Buffer.byteLength(json.stdout)} bytes`);
    const body = JSON.parse(json.stdout) as { status: string; checks: object; notes: string[] };
    assert.equal(body.status, 'fail');
    assert.ok(Object.keys(body.checks).length > 0 && Object.keys(body.checks).length < 100);
    assert.match(body.notes[0]!, /^\d+ of 100 checks left out to stay under 4096 bytes$/);
  });
});
