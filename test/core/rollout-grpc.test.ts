/**
 * The gRPC rollout (issue 20): two instances of a grpc-js app (test/_helpers/rollout-apps/
 * grpc.ts) in child processes, a grpc-js client balancing round-robin over both under steady
 * unary calls, then SIGTERM to one, as Kubernetes does to an old pod: its calls in flight
 * finish, the client moves to the other instance on its GOAWAY, no call fails, and the
 * process exits 0 — or 1 when a call outlives timeoutMs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as grpcjs from '@grpc/grpc-js';
import { workClient, type WorkAnswer } from '../_helpers/grpc.js';
import { startApp } from '../_helpers/rollout.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `clients` loops of `Do(50–300 ms)` until stopped; the answers by instance and the failures. */
function startCalls(target: string, clients = 20) {
  const client = workClient(target, { 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }) });
  const byPid = new Map<string, number>();
  const failures: WorkAnswer[] = [];
  let running = true;
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      const answer = await client.call(50 + Math.floor(Math.random() * 251));
      if ('answer' in answer) byPid.set(answer.answer, (byPid.get(answer.answer) ?? 0) + 1);
      else failures.push(answer);
    }
  });
  return {
    byPid,
    failures,
    async stop() {
      running = false;
      await Promise.all(loops);
      client.close();
    },
  };
}

describe('gRPC rollout: gracefulShutdown of a grpc-js server in a child process', () => {
  it('SIGTERM to one of two instances under steady unary calls: calls in flight finish, none fails, it exits 0', async () => {
    const env = { DELAY_MS: '1000', TIMEOUT_MS: '5000' };
    const [a, b] = await Promise.all([startApp('grpc', env), startApp('grpc', env)]);
    const calls = startCalls(`ipv4:${a.base.slice('http://'.length)},${b.base.slice('http://'.length)}`);
    try {
      // round-robin once both connections are up (the machine may be slow to open them)
      for (const deadline = performance.now() + 10_000; performance.now() < deadline; await sleep(50)) {
        if ((calls.byPid.get(`ok ${a.child.pid}`) ?? 0) >= 20 && (calls.byPid.get(`ok ${b.child.pid}`) ?? 0) >= 20) break;
      }
      const onA = calls.byPid.get(`ok ${a.child.pid}`) ?? 0;
      assert.ok(onA >= 20 && (calls.byPid.get(`ok ${b.child.pid}`) ?? 0) >= 20, `the load did not reach both: ${JSON.stringify([...calls.byPid])}, ${calls.failures.length} failures, first ${JSON.stringify(calls.failures[0])}`);
      const signalled = performance.now();
      a.child.kill('SIGTERM');
      const code = await a.exited;
      const signalToExitMs = performance.now() - signalled;
      const onBBefore = calls.byPid.get(`ok ${b.child.pid}`) ?? 0;
      await sleep(300);
      await calls.stop();
      const context = `${JSON.stringify([...calls.byPid])} failures ${JSON.stringify(calls.failures.slice(0, 5))}\n${a.stderr()}`;
      assert.equal(calls.failures.length, 0, context);
      assert.equal(code, 0, context);
      assert.ok(signalToExitMs >= 1000, `exited ${Math.round(signalToExitMs)} ms after SIGTERM: it did not serve through the delay`);
      assert.ok((calls.byPid.get(`ok ${a.child.pid}`) ?? 0) > onA, `no call answered by the stopped instance after the signal: ${context}`);
      assert.ok((calls.byPid.get(`ok ${b.child.pid}`) ?? 0) > onBBefore, `the survivor took no call after the stop: ${context}`);
      const served = Number(/^served (\d+)$/m.exec(a.stderr())?.[1]);
      assert.equal(served, calls.byPid.get(`ok ${a.child.pid}`), `every call the stopped instance answered reached its client: ${context}`);
      assert.match(a.stderr(), /gRPC server keeps serving for 1000 ms/);
      assert.match(a.stderr(), /exit code 0/);
    } finally {
      await calls.stop();
      await Promise.all([a.kill(), b.kill()]);
    }
  });

  it('exits 1 when a call outlives timeoutMs, after forceShutdown() has cancelled it', async () => {
    const app = await startApp('grpc', { DELAY_MS: '100', TIMEOUT_MS: '500' });
    const client = workClient(app.base.slice('http://'.length));
    try {
      const hanging = client.call(-1);
      assert.ok('answer' in (await client.call(0)));
      app.child.kill('SIGTERM');
      assert.equal(await app.exited, 1, app.stderr());
      const answer = await hanging;
      assert.ok('code' in answer && [grpcjs.status.CANCELLED, grpcjs.status.UNAVAILABLE, grpcjs.status.INTERNAL].includes(answer.code), JSON.stringify(answer));
      assert.match(app.stderr(), /gRPC server still open after 500 ms: destroyed 1 connection/);
    } finally {
      client.close();
      await app.kill();
    }
  });
});
