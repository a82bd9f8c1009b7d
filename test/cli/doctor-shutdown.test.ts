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
      ['warn', 'prestop-exec-sleep', 'Deployment/exec-sleep app'],
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

describe('shipshape doctor: prestop-exec-sleep', () => {
  it('warns about a preStop exec that only sleeps (the sleep action does it without a binary in the image), not about the sleep action or a hook that does more', async () => {
    const preStop = (hook: object) => healthyContainer({ lifecycle: { preStop: hook } });
    const grace = { terminationGracePeriodSeconds: 60 };
    const run = await doctorOn(
      [
        deployment('exec-sleep', preStop({ exec: { command: ['sleep', '5'] } }), grace),
        deployment('shell-sleep', preStop({ exec: { command: ['/bin/sh', '-c', 'exec sleep 2.5'] } }), grace),
        deployment('sleep-action', preStop({ sleep: { seconds: 5 } }), grace),
        // the sleep action cannot run what comes after the sleep
        deployment('sleep-then-quit', preStop({ exec: { command: ['sh', '-c', 'sleep 5 && nginx -s quit'] } }), grace),
        deployment('other-hook', preStop({ exec: { command: ['nginx', '-s', 'quit'] } }), grace),
      ],
      { config: `export default { shutdown: { delayMs: 0, timeoutMs: 20000 } };\n` },
    );
    assert.deepEqual(run.findings, [
      {
        level: 'warn',
        rule: 'prestop-exec-sleep',
        target: 'Deployment/exec-sleep app',
        message:
          'the preStop hook runs `sleep 5` through exec, which needs a sleep binary (and a shell, for sh -c) in the image: a distroless image has neither, the hook fails and the app gets SIGTERM without the sleep; ' +
          "use Kubernetes' sleep action (GA in 1.34), which needs nothing in the image: lifecycle.preStop: { sleep: { seconds: 5 } }",
      },
      {
        level: 'warn',
        rule: 'prestop-exec-sleep',
        target: 'Deployment/shell-sleep app',
        message:
          'the preStop hook runs `/bin/sh -c "exec sleep 2.5"` through exec, which needs a sleep binary (and a shell, for sh -c) in the image: a distroless image has neither, the hook fails and the app gets SIGTERM without the sleep; ' +
          "use Kubernetes' sleep action (GA in 1.34), which needs nothing in the image: lifecycle.preStop: { sleep: { seconds: 3 } }",
      },
    ]);
    assert.equal(run.status, 0, 'a warning: exit 0');
  });

  it('leaves `sleep infinity` to grace-period (the sleep action cannot sleep forever either)', async () => {
    const run = await doctorOn([deployment('forever', healthyContainer({ lifecycle: { preStop: { exec: { command: ['sleep', 'infinity'] } } } }))], {
      config: `export default { shutdown: { delayMs: 0 } };\n`,
    });
    assert.deepEqual(run.findings.map((f) => f.rule), ['grace-period']);
    assert.equal(run.status, 1);
  });

  it('refuses a sleep action whose seconds are not a whole number (exit 2, naming the line)', async () => {
    const run = await doctorOn([deployment('web', healthyContainer({ lifecycle: { preStop: { sleep: { seconds: '5' } } } }))]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^shipshape doctor: <stdin>:\d+: Deployment\/web app: lifecycle\.preStop\.sleep\.seconds must be a whole number, got "5"\n$/);
  });
});

describe('shipshape doctor: probe-grace-period', () => {
  it("warns when a liveness or startup probe's own terminationGracePeriodSeconds is shorter than the shutdown budget", async () => {
    const probeGrace = (field: string, seconds: number, path: string) => ({ [field]: { httpGet: { path, port: 'http' }, terminationGracePeriodSeconds: seconds } });
    const run = await doctorOn(
      [
        deployment('short-liveness', healthyContainer(probeGrace('livenessProbe', 10, '/livez'))),
        deployment('short-startup', healthyContainer({ ...probeGrace('startupProbe', 5, '/startupz') })),
        deployment('equal', healthyContainer(probeGrace('livenessProbe', 25, '/livez'))),
        deployment('longer', healthyContainer(probeGrace('livenessProbe', 60, '/livez'))),
        deployment('unset'),
      ],
      { config: `export default { shutdown: { delayMs: 5000, timeoutMs: 20000 } };\n` },
    );
    assert.deepEqual(run.findings, [
      {
        level: 'warn',
        rule: 'probe-grace-period',
        target: 'Deployment/short-liveness app',
        message:
          'livenessProbe.terminationGracePeriodSeconds 10 s is shorter than delayMs 5000 + timeoutMs 20000 = 25000 ms: a pod killed for failing liveness gets no drain, Kubernetes SIGKILLs the app mid-shutdown and its requests in flight are cut; ' +
          "set it to 25 or remove it (the pod's terminationGracePeriodSeconds then applies)",
      },
      {
        level: 'warn',
        rule: 'probe-grace-period',
        target: 'Deployment/short-startup app',
        message:
          'startupProbe.terminationGracePeriodSeconds 5 s is shorter than delayMs 5000 + timeoutMs 20000 = 25000 ms: a pod killed for failing its startup probe gets no drain, Kubernetes SIGKILLs the app mid-shutdown and its requests in flight are cut; ' +
          "set it to 25 or remove it (the pod's terminationGracePeriodSeconds then applies)",
      },
    ]);
    assert.equal(run.status, 0, 'a warning: exit 0');
  });

  it('counts the preStop sleep and the hooks, which run inside the probe’s grace period too', async () => {
    const container = healthyContainer({
      lifecycle: { preStop: { sleep: { seconds: 5 } } },
      livenessProbe: { httpGet: { path: '/livez', port: 'http' }, terminationGracePeriodSeconds: 25 },
    });
    const run = await doctorOn([deployment('with-prestop', container, { terminationGracePeriodSeconds: 40 })], {
      config: `export default { shutdown: { delayMs: 0, timeoutMs: 20000, onShutdown: [async () => {}] } };\n`,
    });
    assert.deepEqual(run.findings.map((f) => [f.rule, f.message.split(':')[0]]), [
      ['probe-grace-period', 'livenessProbe.terminationGracePeriodSeconds 25 s is shorter than preStop sleep 5 s + delayMs 0 + timeoutMs 20000 + 1 × hookTimeoutMs 5000 = 30000 ms'],
    ]);
  });
});
