/**
 * The rollout proof for issues 6 and 19: behind a balancer that follows /readyz, under steady
 * keep-alive load, SIGTERM to one of two instances drops no request — for every framework,
 * over HTTP/2 (`http2`), and with WebSocket and socket.io clients connected (`websockets`:
 * every one is told to go away with 1001 and reconnects to the other instance, none is cut).
 * Each scenario runs its apps in child processes (signals never reach the test runner).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROLLOUT_APPS, runRollout } from '../_helpers/rollout.js';

/** A rollout takes seconds; one that hangs (it once did under heavy load) fails instead of holding CI. */
const ROLLOUT_TIMEOUT_MS = 120_000;

describe('rollout behind a readiness-following balancer', () => {
  for (const app of ROLLOUT_APPS) {
    it(`${app}: SIGTERM to one instance drops no request, keeps /livez 200 during the delay and exits 0`, { timeout: ROLLOUT_TIMEOUT_MS }, async () => {
      const result = await runRollout(app, { delayMs: 1000, timeoutMs: 5000 });
      const context = `${app}: ${result.requests} requests, reasons ${JSON.stringify(result.reasons)}\n${result.log}`;
      assert.ok(result.requests > 50, `too little load to prove anything: ${context}`);
      assert.equal(result.failures, 0, context);
      assert.equal(result.exitCode, 0, context);
      assert.equal(result.readyzAfterSignal.status, 503);
      assert.match(result.readyzAfterSignal.body, /^\[-\]shutdown failed: draining$/m);
      assert.ok(result.livezDuringDelay.length >= 3, `livez polled ${result.livezDuringDelay.length} times`);
      assert.deepEqual(result.livezDuringDelay, result.livezDuringDelay.map(() => 200));
      // it served through the delay, then drained: it cannot have exited before delayMs
      assert.ok(result.signalToExitMs >= 1000, `exited ${Math.round(result.signalToExitMs)} ms after SIGTERM`);
      assert.match(result.log, /exit code 0/);
      if (app === 'websockets') {
        const sockets = result.sockets!;
        const about = `${JSON.stringify(sockets)}\n${result.log}`;
        assert.equal(sockets.abnormal, 0, about);
        assert.ok(sockets.goingAway > 0, `no client was on the stopped instance: ${about}`);
        assert.equal(sockets.onSurvivor, sockets.clients, `not every client reconnected to the other instance: ${about}`);
        assert.ok(sockets.messages > 0, about);
      }
    });
  }

  it('control: without the delay (delayMs 0) the same balancer sees failed requests, so the scenario can fail', { timeout: ROLLOUT_TIMEOUT_MS }, async () => {
    // the balancer polls every 500 ms here: the window in which it still routes to the
    // stopped instance is long enough that a drop is certain, not a matter of luck
    const result = await runRollout('node-http', { delayMs: 0, timeoutMs: 5000, pollMs: 500, warmMs: 700 });
    assert.ok(result.failures > 0, `expected failures without the delay, got none in ${result.requests} requests`);
  });

  it('control: without the websockets option the same clients are cut (abnormal closes), so the WebSocket scenario can fail', { timeout: ROLLOUT_TIMEOUT_MS }, async () => {
    const result = await runRollout('websockets', { delayMs: 500, timeoutMs: 5000, env: { WEBSOCKETS: 'off' } });
    assert.ok(result.sockets!.abnormal > 0, `expected abnormal closes without the option: ${JSON.stringify(result.sockets)}`);
  });
});
