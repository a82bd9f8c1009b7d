/**
 * gracefulShutdown on @grpc/grpc-js servers (src/core/shutdown/targets/grpc.ts), with real
 * grpc-js clients: readiness NOT_SERVING at the signal, calls served during the delay, health
 * watches ended so that they do not hold tryShutdown(), calls in flight finished (exit 0), a
 * call that outlives timeoutMs cancelled by forceShutdown() (exit 1), and an HTTP server and
 * a gRPC server in one array on one timeline. The rollout in child processes, under steady
 * calls, is test/core/rollout-grpc.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as grpcjs from '@grpc/grpc-js';
import { createProbes } from '../../../../src/core/probes.js';
import { addHealthService } from '../../../../src/grpc/health-service.js';
import { addWorkService, healthClient, startGrpcServer, workClient } from '../../../_helpers/grpc.js';
import { capture, get, inProcess, sleep, startServer } from '../../../_helpers/shutdown.js';

describe('gracefulShutdown: grpc-js servers', () => {
  it('NOT_SERVING at the signal, serves during the delay, ends the health watches, finishes the call in flight, exits 0', async () => {
    const { lines, logger } = capture();
    const probes = createProbes();
    const { server, port } = await startGrpcServer((server) => {
      addHealthService(server, probes);
      addWorkService(server);
    });
    const controller = inProcess(server, { probes, delayMs: 1500, timeoutMs: 5000, logger });
    const health = healthClient(port);
    const work = workClient(`127.0.0.1:${port}`);
    try {
      const watch = health.watch('readiness');
      assert.deepEqual(await watch.next(1), ['SERVING']);
      const slow = work.call(2500);
      await sleep(50);
      const signalled = performance.now();
      const code = controller.shutdown();
      assert.equal((await health.check('readiness')).response?.status, 'NOT_SERVING');
      assert.equal((await health.check('liveness')).response?.status, 'SERVING');
      assert.deepEqual(await watch.next(2), ['SERVING', 'NOT_SERVING']);
      assert.match(JSON.stringify(await work.call(10)), /"answer":"ok \d+"/, 'a call during the delay is served');
      assert.equal(watch.ended(), undefined, 'the watch ended before delayMs');

      assert.equal(await watch.end(), grpcjs.status.OK);
      assert.ok(performance.now() - signalled >= 1500 - 20, 'the watch ended before delayMs');
      assert.match(JSON.stringify(await slow), /"answer":"ok \d+"/, 'the call in flight was cut');
      assert.equal(await code, 0);
      assert.ok(performance.now() - signalled >= 2500 - 50 - 20, 'exited before the call in flight had finished');
      assert.ok(lines.some((line) => line.includes('readiness fails; gRPC server keeps serving for 1500 ms')), lines.join('\n'));
      assert.ok(lines.some((line) => /waiting up to 5000 ms for 1 request\(s\)/.test(line)), lines.join('\n'));
      const after = await workClient(`127.0.0.1:${port}`).call(0);
      assert.equal('code' in after && after.code, grpcjs.status.UNAVAILABLE, 'still accepting after the shutdown');
    } finally {
      health.close();
      work.close();
      server.forceShutdown();
    }
  });

  it('forceShutdown() at timeoutMs cancels a call that outlives it: exit 1, counted', async () => {
    const { lines, logger } = capture();
    const { server, port } = await startGrpcServer((server) => addWorkService(server));
    const controller = inProcess(server, { delayMs: 10, timeoutMs: 300, logger });
    const work = workClient(`127.0.0.1:${port}`);
    try {
      const hanging = work.call(-1);
      await sleep(100);
      const started = performance.now();
      assert.equal(await controller.shutdown(), 1);
      assert.ok(performance.now() - started < 10 + 300 + 500, `took ${Math.round(performance.now() - started)} ms`);
      const answer = await hanging;
      assert.ok('code' in answer && answer.code !== grpcjs.status.OK, JSON.stringify(answer));
      assert.ok(lines.some((line) => /^warn shutdown: gRPC server still open after 300 ms: destroyed 1 connection/.test(line)), lines.join('\n'));
    } finally {
      work.close();
      server.forceShutdown();
    }
  });

  it('an HTTP server and a gRPC server in an array follow one timeline', async () => {
    const { lines, logger } = capture();
    const probes = createProbes();
    const { server: api, base } = await startServer(probes);
    const { server: grpcServer, port } = await startGrpcServer((server) => {
      addHealthService(server, probes);
      addWorkService(server);
    });
    const controller = inProcess([api, grpcServer], { probes, delayMs: 1500, timeoutMs: 5000, logger });
    const health = healthClient(port);
    const work = workClient(`127.0.0.1:${port}`);
    try {
      const slowGrpc = work.call(2500);
      const watch = health.watch('');
      assert.deepEqual(await watch.next(1), ['SERVING']);
      await sleep(50);
      const signalled = performance.now();
      const code = controller.shutdown();
      assert.equal((await get(base, '/readyz')).status, 503);
      assert.equal((await health.check('')).response?.status, 'NOT_SERVING');
      const during = await get(base, '/work?ms=10');
      assert.deepEqual([during.status, during.connection], [200, 'close']);
      assert.ok('answer' in (await work.call(10)), 'the gRPC server stopped serving during the delay');
      assert.equal(await watch.end(), grpcjs.status.OK);
      assert.ok('answer' in (await slowGrpc), 'the gRPC call in flight was cut');
      assert.equal(await code, 0);
      assert.ok(performance.now() - signalled >= 2500 - 50 - 20);
      assert.equal(api.listening, false);
      assert.ok(lines.some((line) => line.includes('readiness fails; http server and gRPC server keep serving for 1500 ms')), lines.join('\n'));
    } finally {
      health.close();
      work.close();
      grpcServer.forceShutdown();
    }
  });

  it('a server never bound, or already shut down, settles at once', async () => {
    const { server } = await startGrpcServer(() => {});
    server.forceShutdown();
    assert.equal(await inProcess(server, { delayMs: 0, timeoutMs: 1000 }).shutdown(), 0);
    assert.equal(await inProcess(new grpcjs.Server(), { delayMs: 0, timeoutMs: 1000 }).shutdown(), 0);
  });
});
