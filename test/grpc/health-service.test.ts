/**
 * `addHealthService` on a real grpc-js server, read by a real grpc-js client built on
 * `grpc-health-check`'s own definition of the service.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@grpc/grpc-js';
import { describe, it } from 'node:test';
import { InvalidOptionError } from '../../src/core/errors.js';
import { createProbes, type Probes } from '../../src/core/probes.js';
import { addHealthService } from '../../src/grpc/health-service.js';
import { healthClient, startGrpcServer, type HealthClient } from '../_helpers/grpc.js';

const NOT_FOUND = 5;
const UNAVAILABLE = 14;

/** A server with the health service of `probes` and a client of it; both closed after `run`. */
async function withService(probes: Probes, run: (client: HealthClient, end: () => void) => Promise<void>): Promise<void> {
  let end = (): void => {};
  const grpc = await startGrpcServer((server) => {
    end = addHealthService(server, probes);
  });
  const client = healthClient(grpc.port);
  try {
    await run(client, end);
  } finally {
    client.close();
    grpc.close();
    await probes.close();
  }
}

const pass = async (): Promise<void> => {};
const fail = async (): Promise<void> => {
  throw new Error('down');
};

describe('addHealthService: Check', () => {
  it('answers "" and readiness from readiness, liveness, startup, and a check alone by its name', async () => {
    const probes = createProbes({
      readiness: { db: pass, cache: fail },
      liveness: { loop: pass },
    });
    await withService(probes, async (client) => {
      const statuses: Record<string, unknown> = {};
      for (const service of ['', 'readiness', 'liveness', 'startup', 'db', 'cache', 'loop']) {
        statuses[service] = (await client.check(service)).response?.status;
      }
      assert.deepEqual(statuses, {
        '': 'NOT_SERVING',
        readiness: 'NOT_SERVING',
        liveness: 'SERVING',
        startup: 'NOT_SERVING',
        db: 'SERVING',
        cache: 'NOT_SERVING',
        loop: 'SERVING',
      });
    });
  });

  it('counts a failing non-critical check (warn) as SERVING', async () => {
    const probes = createProbes({ readiness: { optional: { run: fail, critical: false } } });
    await withService(probes, async (client) => {
      assert.equal((await client.check('')).response?.status, 'SERVING');
      assert.equal((await client.check('optional')).response?.status, 'SERVING');
    });
  });

  it('fails an unknown name with NOT_FOUND', async () => {
    await withService(createProbes({ readiness: { db: pass } }), async (client) => {
      const answer = await client.check('payments.v1.Payments');
      assert.equal(answer.code, NOT_FOUND);
      assert.equal(answer.details, 'unknown service "payments.v1.Payments"');
    });
  });

  it('answers readiness and "" NOT_SERVING from drain() on, while liveness and a check alone stay SERVING', async () => {
    const probes = createProbes({ readiness: { db: pass } });
    await withService(probes, async (client) => {
      assert.equal((await client.check('')).response?.status, 'SERVING');
      probes.drain();
      assert.equal((await client.check('')).response?.status, 'NOT_SERVING');
      assert.equal((await client.check('readiness')).response?.status, 'NOT_SERVING');
      assert.equal((await client.check('liveness')).response?.status, 'SERVING');
      assert.equal((await client.check('db')).response?.status, 'SERVING');
    });
  });

  it('answers liveness NOT_SERVING after markBroken(), and readiness NOT_SERVING until markReady() with manualReady', async () => {
    const probes = createProbes({ manualReady: true });
    await withService(probes, async (client) => {
      assert.equal((await client.check('readiness')).response?.status, 'NOT_SERVING');
      probes.markReady();
      assert.equal((await client.check('readiness')).response?.status, 'SERVING');
      assert.equal((await client.check('liveness')).response?.status, 'SERVING');
      probes.markBroken('wedged');
      assert.equal((await client.check('liveness')).response?.status, 'NOT_SERVING');
    });
  });

  it('runs each check once for a gRPC Check and an HTTP probe at the same moment (the same runners)', async () => {
    let runs = 0;
    const probes = createProbes({
      readiness: {
        db: async () => {
          runs += 1;
          await new Promise((resolve) => setTimeout(resolve, 200));
        },
      },
    });
    const web = http.createServer((req, res) => void probes.handle(req, res));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    try {
      await withService(probes, async (client) => {
        const { port } = web.address() as AddressInfo;
        const [grpcAnswer, httpAnswer] = await Promise.all([client.check('readiness'), fetch(`http://127.0.0.1:${port}/readyz`)]);
        assert.equal(grpcAnswer.response?.status, 'SERVING');
        assert.equal(httpAnswer.status, 200);
        assert.equal(runs, 1);
        // and one after the other, each runs it again (no cache by default)
        await client.check('db');
        assert.equal(runs, 2);
      });
    } finally {
      await new Promise((resolve) => web.close(resolve));
    }
  });
});

describe('addHealthService: List', () => {
  it('returns every name with its status: "", the three probes and each check once', async () => {
    const probes = createProbes({ readiness: { db: pass, cache: fail }, liveness: { loop: pass, db: pass }, manualReady: true });
    await withService(probes, async (client) => {
      const answer = await client.list();
      assert.deepEqual(answer.response?.statuses, {
        '': { status: 'NOT_SERVING' },
        readiness: { status: 'NOT_SERVING' },
        liveness: { status: 'SERVING' },
        startup: { status: 'NOT_SERVING' },
        db: { status: 'SERVING' },
        cache: { status: 'NOT_SERVING' },
        loop: { status: 'SERVING' },
      });
    });
  });

  it('fails with RESOURCE_EXHAUSTED above 100 names, as health.proto says', async () => {
    const readiness = Object.fromEntries(Array.from({ length: 97 }, (_, i) => [`check-${i}`, pass]));
    await withService(createProbes({ readiness }), async (client) => {
      assert.equal((await client.list()).code, 8);
    });
  });
});

describe('addHealthService: Watch', () => {
  it('sends the current status at once, then NOT_SERVING when drain() is called, and nothing in between', async () => {
    const probes = createProbes({ readiness: { db: pass } });
    await withService(probes, async (client) => {
      const watch = client.watch('readiness');
      assert.deepEqual(await watch.next(1), ['SERVING']);
      // a second watcher of the same probe under its other name hears the current status at once
      const other = client.watch('');
      assert.deepEqual(await other.next(1), ['SERVING']);
      probes.drain();
      assert.deepEqual(await watch.next(2), ['SERVING', 'NOT_SERVING']);
      assert.deepEqual(await other.next(2), ['SERVING', 'NOT_SERVING']);
      // no repeat of an unchanged status: a later poll (each second) sends nothing
      await new Promise((resolve) => setTimeout(resolve, 1300));
      assert.deepEqual(watch.statuses, ['SERVING', 'NOT_SERVING']);
      watch.cancel();
      other.cancel();
    });
  });

  it('sends NOT_SERVING for liveness on markBroken(), and a check changing on its own at the next poll', async () => {
    let healthy = true;
    const probes = createProbes({ readiness: { db: async () => void (healthy || (await fail())) } });
    await withService(probes, async (client) => {
      const liveness = client.watch('liveness');
      const db = client.watch('db');
      assert.deepEqual(await liveness.next(1), ['SERVING']);
      assert.deepEqual(await db.next(1), ['SERVING']);
      probes.markBroken('wedged');
      assert.deepEqual(await liveness.next(2), ['SERVING', 'NOT_SERVING']);
      healthy = false;
      assert.deepEqual(await db.next(2, 5000), ['SERVING', 'NOT_SERVING']);
      healthy = true;
      assert.deepEqual(await db.next(3, 5000), ['SERVING', 'NOT_SERVING', 'SERVING']);
      liveness.cancel();
      db.cancel();
    });
  });

  it('sends SERVICE_UNKNOWN for an unknown name and keeps the call open', async () => {
    await withService(createProbes({ readiness: { db: pass } }), async (client) => {
      const watch = client.watch('nope');
      assert.deepEqual(await watch.next(1), ['SERVICE_UNKNOWN']);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(watch.ended(), undefined);
      watch.cancel();
    });
  });

  it('runs the checks about once a second while someone watches, once for all watchers, and not after they leave', async () => {
    let runs = 0;
    const probes = createProbes({ readiness: { db: async () => void (runs += 1) } });
    await withService(probes, async (client) => {
      const watches = [client.watch('readiness'), client.watch('readiness'), client.watch('')];
      await Promise.all(watches.map((watch) => watch.next(1)));
      const before = runs;
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const during = runs - before;
      assert.ok(during >= 1 && during <= 4, `${during} runs in 2.5 s for three watchers`);
      for (const watch of watches) watch.cancel();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = runs;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(runs, after, 'no run once every watcher left');
    });
  });

  it('the returned function ends every open Watch (OK), later ones get UNAVAILABLE, and tryShutdown() then finishes', async () => {
    const probes = createProbes({ readiness: { db: pass } });
    const grpc = await startGrpcServer(() => {});
    let end = (): void => {};
    const server = grpc.server;
    end = addHealthService(server, probes);
    const client = healthClient(grpc.port);
    try {
      const watch = client.watch('readiness');
      await watch.next(1);
      end();
      assert.equal(await watch.end(), 0);
      const later = client.watch('readiness');
      assert.equal(await later.end(), UNAVAILABLE);
      assert.equal((await client.check('readiness')).response?.status, 'SERVING');
      client.close();
      await new Promise<void>((resolve, reject) => server.tryShutdown((error) => (error ? reject(error) : resolve())));
    } finally {
      client.close();
      grpc.close();
      await probes.close();
    }
  });
});

describe('addHealthService: arguments', () => {
  it('refuses a server without addService and probes that are no createProbes() result', () => {
    const probes = createProbes();
    assert.throws(() => addHealthService({} as Server, probes), InvalidOptionError);
    assert.throws(() => addHealthService(new Server(), {} as Probes), /Expected `probes` to be the result of createProbes\(\)/);
  });

  it('lets grpc-js refuse a second health service on one server', () => {
    const server = new Server();
    addHealthService(server, createProbes());
    assert.throws(() => addHealthService(server, createProbes()), /already provided/);
  });
});
