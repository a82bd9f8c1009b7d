/**
 * `shipshape doctor`'s shutdown rules, each both ways through the real binary: the pod's
 * grace period and preStop hook against the config's `shutdown` (gracefulShutdown options).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployment, doctorOn, healthyContainer } from '../_helpers/doctor.js';

const TWO_HOOKS = `export default { shutdown: { delayMs: 5000, timeoutMs: 20000, onShutdown: [async () => {}, async () => {}] } };\n`;

describe('shipshape doctor: grace-period', () => {
  it('is an error when terminationGracePeriodSeconds (default 30) is shorter than delayMs + timeoutMs + hooks × hookTimeoutMs', async () => {
    const run = await doctorOn(
      [
        deployment('default-grace'),
        deployment('enough', healthyContainer(), { terminationGracePeriodSeconds: 35 }),
        deployment('short', healthyContainer(), { terminationGracePeriodSeconds: 20 }),
        // unlike the probe fields, 0 is kept: SIGKILL at once
        deployment('zero', healthyContainer(), { terminationGracePeriodSeconds: 0 }),
      ],
      { config: TWO_HOOKS },
    );
    assert.deepEqual(run.findings, [
      {
        level: 'error',
        rule: 'grace-period',
        target: 'Deployment/default-grace app',
        message: 'terminationGracePeriodSeconds 30 s (the default) is shorter than delayMs 5000 + timeoutMs 20000 + 2 × hookTimeoutMs 5000 = 35000 ms: Kubernetes would SIGKILL the app mid-shutdown; set it to 35 or shorten the shutdown',
      },
      {
        level: 'error',
        rule: 'grace-period',
        target: 'Deployment/short app',
        message: 'terminationGracePeriodSeconds 20 s is shorter than delayMs 5000 + timeoutMs 20000 + 2 × hookTimeoutMs 5000 = 35000 ms: Kubernetes would SIGKILL the app mid-shutdown; set it to 35 or shorten the shutdown',
      },
      {
        level: 'error',
        rule: 'grace-period',
        target: 'Deployment/zero app',
        message: 'terminationGracePeriodSeconds 0 s is shorter than delayMs 5000 + timeoutMs 20000 + 2 × hookTimeoutMs 5000 = 35000 ms: Kubernetes would SIGKILL the app mid-shutdown; set it to 35 or shorten the shutdown',
      },
    ]);
    assert.equal(run.status, 1);
  });

  it('counts a preStop sleep (the sleep action or an exec sleep) into the time the pod needs', async () => {
    const preStop = (hook: object) => healthyContainer({ lifecycle: { preStop: hook } });
    const run = await doctorOn(
      [
        deployment('sleep-action', preStop({ sleep: { seconds: 10 } }), { terminationGracePeriodSeconds: 30 }),
        deployment('exec-sleep', preStop({ exec: { command: ['/bin/sh', '-c', 'sleep 5s && kill -USR1 1'] } }), { terminationGracePeriodSeconds: 25 }),
        deployment('fits', preStop({ sleep: { seconds: 10 } }), { terminationGracePeriodSeconds: 35 }),
        // not a sleep: how long it takes cannot be known, so it is not counted
        deployment('other-hook', preStop({ exec: { command: ['nginx', '-s', 'quit'] } }), { terminationGracePeriodSeconds: 25 }),
      ],
      { config: `export default { shutdown: { delayMs: 0, timeoutMs: 25000 } };\n` },
    );
    assert.deepEqual(run.findings.map((f) => [f.rule, f.target, f.message]), [
      ['grace-period', 'Deployment/sleep-action app', 'terminationGracePeriodSeconds 30 s is shorter than preStop sleep 10 s + delayMs 0 + timeoutMs 25000 = 35000 ms: Kubernetes would SIGKILL the app mid-shutdown; set it to 35 or shorten the shutdown'],
      ['grace-period', 'Deployment/exec-sleep app', 'terminationGracePeriodSeconds 25 s is shorter than preStop sleep 5 s + delayMs 0 + timeoutMs 25000 = 30000 ms: Kubernetes would SIGKILL the app mid-shutdown; set it to 30 or shorten the shutdown'],
    ]);
  });
});

describe('shipshape doctor: double-delay', () => {
  it('warns when a preStop sleep and the in-process delayMs (default 5000) are both set', async () => {
    const preStop = (hook: object) => healthyContainer({ lifecycle: { preStop: hook } });
    const grace = { terminationGracePeriodSeconds: 60 };
    const run = await doctorOn([
      deployment('sleep-action', preStop({ sleep: { seconds: 5 } }), grace),
      deployment('exec-sleep', preStop({ exec: { command: ['sleep', '5'] } }), grace),
      deployment('other-hook', preStop({ exec: { command: ['nginx', '-s', 'quit'] } }), grace),
      deployment('no-hook', healthyContainer(), grace),
    ]);
    assert.deepEqual(run.findings.map((f) => [f.level, f.rule, f.target]), [
      ['warn', 'double-delay', 'Deployment/sleep-action app'],
      ['warn', 'double-delay', 'Deployment/exec-sleep app'],
    ]);
    assert.equal(run.findings[0]!.message, 'the preStop hook sleeps 5 s and the app waits delayMs 5000 ms after SIGTERM too: the pod waits twice for the same thing; remove the preStop sleep, or set shutdown.delayMs to 0');
    assert.equal(run.status, 0);
  });

  it('does not warn about a preStop sleep when the app has no delay of its own (delayMs: 0)', async () => {
    const run = await doctorOn([deployment('sleep', healthyContainer({ lifecycle: { preStop: { sleep: { seconds: 5 } } } }))], {
      config: `export default { shutdown: { delayMs: 0, gracePeriodMs: 25000 } };\n`,
    });
    assert.deepEqual(run.findings, []);
  });
});

describe('shipshape doctor: grace-period-setting', () => {
  it("warns when the config's gracePeriodMs is more than the pod gives the app (grace period minus preStop sleep)", async () => {
    const run = await doctorOn(
      [
        deployment('default-grace'),
        deployment('matching', healthyContainer(), { terminationGracePeriodSeconds: 60 }),
        deployment('prestop', healthyContainer({ lifecycle: { preStop: { sleep: { seconds: 10 } } } }), { terminationGracePeriodSeconds: 60 }),
      ],
      { config: `export default { shutdown: { delayMs: 0, gracePeriodMs: 60000 } };\n` },
    );
    assert.deepEqual(run.findings.map((f) => [f.level, f.rule, f.target, f.message]), [
      ['warn', 'grace-period-setting', 'Deployment/default-grace app', "shutdown.gracePeriodMs 60000 ms is more than the 30000 ms the pod gives the app (terminationGracePeriodSeconds 30 s (the default)): the app's own start-up warning checks the wrong budget; set gracePeriodMs to 30000"],
      ['warn', 'grace-period-setting', 'Deployment/prestop app', "shutdown.gracePeriodMs 60000 ms is more than the 50000 ms the pod gives the app (terminationGracePeriodSeconds 60 s minus its preStop sleep 10 s): the app's own start-up warning checks the wrong budget; set gracePeriodMs to 50000"],
    ]);
  });

  it('says nothing when the config leaves gracePeriodMs to its default', async () => {
    const run = await doctorOn([deployment('default-grace')], { config: `export default { shutdown: { delayMs: 0 } };\n` });
    assert.deepEqual(run.findings, []);
  });
});
