/**
 * gracefulShutdown with real signals, in child processes (test/_helpers/rollout-apps), never
 * in the test runner: SIGTERM, a second signal, a hanging hook, the configured signals.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startApp } from '../../_helpers/rollout.js';
import { sleep } from '../../_helpers/shutdown.js';

describe('gracefulShutdown: real signals (child processes)', () => {
  it('SIGTERM runs the whole shutdown and exits 0; the hook ran', async () => {
    const app = await startApp('node-http', { DELAY_MS: '100' });
    try {
      app.child.kill('SIGTERM');
      assert.equal(await app.exited, 0);
      assert.match(app.stderr(), /hook ran/);
      assert.match(app.stderr(), /exit code 0/);
    } finally {
      await app.kill();
    }
  });

  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`a second ${signal} exits at once with ${code}`, async () => {
      const app = await startApp('node-http', { DELAY_MS: '10000' });
      try {
        app.child.kill(signal);
        await sleep(200);
        const sent = performance.now();
        app.child.kill(signal);
        assert.equal(await app.exited, code);
        assert.ok(performance.now() - sent < 500, `took ${Math.round(performance.now() - sent)} ms`);
        assert.match(app.stderr(), new RegExp(`second signal ${signal}: exiting now with ${code}`));
      } finally {
        await app.kill();
      }
    });
  }

  it('a hook that hangs is cut at hookTimeoutMs and the process exits 1', async () => {
    const app = await startApp('express', { DELAY_MS: '10', HOOK: 'hang', HOOK_TIMEOUT_MS: '300' });
    try {
      const sent = performance.now();
      app.child.kill('SIGTERM');
      assert.equal(await app.exited, 1);
      assert.ok(performance.now() - sent < 2000);
      assert.match(app.stderr(), /onShutdown hook #1 \(hang\) timed out after 300 ms/);
      assert.match(app.stderr(), /hook ran/, 'the next hook still ran');
    } finally {
      await app.kill();
    }
  });

  it('only the configured signals start it', async () => {
    const app = await startApp('node-http', { DELAY_MS: '10', SIGNALS: 'SIGUSR2' });
    try {
      app.child.kill('SIGUSR2');
      assert.equal(await app.exited, 0);
    } finally {
      await app.kill();
    }
  });
});
