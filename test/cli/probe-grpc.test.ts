/**
 * `shipshape probe --grpc HOST:PORT [--service NAME]` through the real binary: against
 * shipshape's own health service (`addHealthService`: each probe flag asks its probe's
 * service, readiness NOT_SERVING once drained) and against the third-party
 * `grpc-health-check` server (SERVING, NOT_SERVING, an unknown service); a refused port and a
 * blackhole within --timeout; the flag combinations that are usage errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HealthImplementation } from 'grpc-health-check';
import { createProbes, NotReady } from '../../src/index.js';
import { addHealthService } from '../../src/grpc.js';
import { shipshape } from '../_helpers/cli.js';
import { startGrpcServer, type GrpcServer } from '../_helpers/grpc.js';
import { refusedPort, startBlackhole } from '../_helpers/sockets.js';

const probes = createProbes({
  liveness: { loop: () => { throw new NotReady('event loop stuck'); } },
  readiness: { db: async () => {} },
});
/** Several probes start at once on a busy machine: the default 1 s is not what these tests are about. */
const PATIENT = ['--timeout', '5'];
let ours: GrpcServer;
let thirdParty: GrpcServer;

before(async () => {
  ours = await startGrpcServer((server) => addHealthService(server, probes));
  thirdParty = await startGrpcServer((server) => new HealthImplementation({ '': 'SERVING', 'payments.v1.Payments': 'SERVING', 'search.v1.Search': 'NOT_SERVING' }).addToServer(server));
});
after(async () => {
  ours.close();
  thirdParty.close();
  await probes.close();
});

describe('shipshape probe --grpc against addHealthService', () => {
  it('asks the probe flag’s own service (liveness, readiness, startup), "" without one, or --service', async () => {
    const target = `127.0.0.1:${ours.port}`;
    const cases: [string[], number, string][] = [
      [['--ready'], 0, 'SERVING\n'],
      [['--startup'], 0, 'SERVING\n'],
      [['--live'], 1, 'NOT_SERVING\n'], // the liveness check fails: this is liveness asked, not readiness
      [['--health'], 1, 'NOT_SERVING\n'],
      [[], 0, 'SERVING\n'],
      [['--service', 'db'], 0, 'SERVING\n'],
      [['--live', '--service', 'readiness'], 0, 'SERVING\n'],
      [['--service', 'loop'], 1, 'NOT_SERVING\n'],
    ];
    const runs = await Promise.all(cases.map(([flags]) => shipshape(['probe', ...flags, '--grpc', target, ...PATIENT])));
    for (const [index, run] of runs.entries()) {
      const [flags, status, stdout] = cases[index]!;
      assert.deepEqual([run.status, run.stdout, run.stderr], [status, stdout, ''], flags.join(' '));
    }
  });

  it('readiness is NOT_SERVING (exit 1) once the app drains; --quiet prints nothing', async () => {
    const drained = createProbes();
    const server = await startGrpcServer((server) => addHealthService(server, drained));
    try {
      assert.equal((await shipshape(['probe', '--ready', '--grpc', `127.0.0.1:${server.port}`, ...PATIENT])).status, 0);
      drained.drain();
      const run = await shipshape(['probe', '--ready', '--grpc', `127.0.0.1:${server.port}`, ...PATIENT]);
      assert.deepEqual([run.status, run.stdout, run.stderr], [1, 'NOT_SERVING\n', '']);
      const quiet = await shipshape(['probe', '--ready', '--quiet', '--grpc', `127.0.0.1:${server.port}`, ...PATIENT]);
      assert.deepEqual([quiet.status, quiet.stdout, quiet.stderr], [1, '', '']);
    } finally {
      server.close();
    }
  });
});

describe('shipshape probe --grpc against grpc-health-check', () => {
  it('SERVING → 0, NOT_SERVING → 1, each printed; an unknown service → 1 with the server’s short reason', async () => {
    const target = `127.0.0.1:${thirdParty.port}`;
    const [whole, payments, search, unknown] = await Promise.all([
      shipshape(['probe', '--grpc', target, ...PATIENT]),
      shipshape(['probe', '--grpc', target, '--service', 'payments.v1.Payments', ...PATIENT]),
      shipshape(['probe', '--grpc', target, '--service', 'search.v1.Search', ...PATIENT]),
      shipshape(['probe', '--ready', '--grpc', target, ...PATIENT]), // "readiness" is not a service it knows
    ]);
    assert.deepEqual([whole.status, whole.stdout], [0, 'SERVING\n']);
    assert.deepEqual([payments.status, payments.stdout], [0, 'SERVING\n']);
    assert.deepEqual([search.status, search.stdout], [1, 'NOT_SERVING\n']);
    assert.deepEqual(
      [unknown.status, unknown.stdout, unknown.stderr],
      [1, '', `shipshape probe: ${target}: Health/Check failed: NOT_FOUND: Health status unknown for service readiness\n`],
    );
  });
});

describe('shipshape probe --grpc without an answer', () => {
  it('exits 1 for a refused port', async () => {
    const port = await refusedPort();
    const run = await shipshape(['probe', '--ready', '--grpc', `127.0.0.1:${port}`]);
    assert.deepEqual([run.status, run.stdout, run.stderr], [1, '', `shipshape probe: 127.0.0.1:${port}: connection refused\n`]);
  });

  it('exits 1 within --timeout for a blackhole (accepts, never answers)', async () => {
    const blackhole = await startBlackhole();
    try {
      const run = await shipshape(['probe', '--grpc', `127.0.0.1:${blackhole.port}`, '--timeout', '0.5']);
      assert.deepEqual([run.status, run.stderr], [1, `shipshape probe: 127.0.0.1:${blackhole.port}: no answer within 0.5 s\n`]);
      assert.ok(run.elapsedMs < 15_000, `${run.elapsedMs} ms`);
      assert.equal(blackhole.acceptedConnections(), 1);
    } finally {
      await blackhole.close();
    }
  });
});

describe('shipshape probe --grpc usage errors', () => {
  it('exits 2 with one line for a bad combination or a malformed HOST:PORT', async () => {
    const cases: [string[], string][] = [
      [['--grpc', '127.0.0.1:50051', '--url', 'http://127.0.0.1:3000'], '--grpc and --url ask in two different ways: give one of them'],
      [['--grpc', '127.0.0.1:50051', '--socket', '/tmp/probes.sock'], '--grpc and --socket ask in two different ways: give one of them'],
      [['--grpc', '127.0.0.1:50051', '--json'], '--json is for the HTTP listing: --grpc prints the serving status'],
      [['--grpc', '127.0.0.1:50051', '--verbose'], '--verbose is for the HTTP listing: --grpc prints the serving status'],
      [['--grpc', 'payments'], '--grpc must be HOST:PORT such as 127.0.0.1:50051 (IPv6 as [::1]:50051)'],
      [['--grpc', 'grpc://payments:50051'], '--grpc must be HOST:PORT such as 127.0.0.1:50051 (IPv6 as [::1]:50051)'],
      [['--grpc', '::1:50051'], '--grpc must be HOST:PORT such as 127.0.0.1:50051 (IPv6 as [::1]:50051)'],
      [['--grpc', 'payments:99999'], '--grpc must be HOST:PORT such as 127.0.0.1:50051 (IPv6 as [::1]:50051)'],
      [['--ready', '--service', 'db'], '--service goes with --grpc HOST:PORT'],
      [['--ready', '--live', '--grpc', '127.0.0.1:50051'], 'one probe at a time: --live and --ready were both given'],
      [['--grpc', '127.0.0.1:50051', '--timeout', '0'], ''],
    ];
    const runs = await Promise.all(cases.map(([args]) => shipshape(['probe', ...args])));
    for (const [index, run] of runs.entries()) {
      const [args, message] = cases[index]!;
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.equal(run.stdout, '');
      if (message) assert.equal(run.stderr, `shipshape probe: ${message} (see shipshape probe --help)\n`, args.join(' '));
      else assert.match(run.stderr, /^shipshape probe: --timeout .*\n$/, args.join(' '));
    }
  });
});
