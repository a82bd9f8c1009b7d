/**
 * `shipshape doctor`'s probe rules, each both ways through the real binary: every run has
 * Deployments that trigger the rule and Deployments that must not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployment, doctorOn, healthyContainer } from '../_helpers/doctor.js';

const SLOW_DB = `export default { probes: { readiness: { db: { run: async () => {}, timeoutMs: 2000 }, cache: async () => {} } } };\n`;

describe('shipshape doctor: probe-timeout', () => {
  it('is an error when a probe timeoutSeconds (default 1) is not above the slowest check timeout of its endpoint', async () => {
    const run = await doctorOn(
      [
        deployment('default-timeout'),
        // timeoutSeconds 0 is defaulted by the API server, to 1
        deployment('zero', healthyContainer({ readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, timeoutSeconds: 0 }, startupProbe: { httpGet: { path: '/startupz/cache', port: 'http' } } })),
        deployment('equal', healthyContainer({ readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, timeoutSeconds: 2 }, startupProbe: { httpGet: { path: '/startupz', port: 'http' }, timeoutSeconds: 3 } })),
        deployment('above', healthyContainer({ readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, timeoutSeconds: 3 }, startupProbe: { httpGet: { path: '/startupz', port: 'http' }, timeoutSeconds: 3 } })),
        // /readyz/cache runs the cache check only (900 ms by default): 1 s is enough
        deployment('one-check', healthyContainer({ readinessProbe: { httpGet: { path: '/readyz/cache', port: 'http' } }, startupProbe: { httpGet: { path: '/startupz/cache', port: 'http' } } })),
      ],
      { config: SLOW_DB },
    );
    assert.equal(run.status, 1);
    assert.deepEqual(run.findings.filter((f) => f.target === 'Deployment/default-timeout app'), [
      { level: 'error', rule: 'probe-timeout', target: 'Deployment/default-timeout app', message: "readinessProbe.timeoutSeconds 1 s (the default) is not above the slowest readiness check timeout 2000 ms (db): set it to 3 or lower the check's timeoutMs" },
      { level: 'error', rule: 'probe-timeout', target: 'Deployment/default-timeout app', message: "startupProbe.timeoutSeconds 1 s (the default) is not above the slowest startup check timeout 2000 ms (db): set it to 3 or lower the check's timeoutMs" },
    ]);
    assert.deepEqual(run.findings.filter((f) => f.target === 'Deployment/equal app').map((f) => f.message), [
      "readinessProbe.timeoutSeconds 2 s is not above the slowest readiness check timeout 2000 ms (db): set it to 3 or lower the check's timeoutMs",
    ]);
    assert.deepEqual(run.findings.filter((f) => f.target === 'Deployment/zero app').map((f) => f.message), [
      "readinessProbe.timeoutSeconds 1 s (the default) is not above the slowest readiness check timeout 2000 ms (db): set it to 3 or lower the check's timeoutMs",
    ]);
    assert.deepEqual(run.rulesOf('Deployment/above app'), []);
    assert.deepEqual(run.rulesOf('Deployment/one-check app'), []);
  });

  it('checks the liveness checks for liveness probes, and `shipshape probe --timeout` of exec probes', async () => {
    const config = `export default { probes: { liveness: { loop: { run: () => {}, timeoutMs: 1500 } } } };\n`;
    const exec = (args: string[], timeoutSeconds?: number) => ({ exec: { command: ['shipshape', 'probe', ...args] }, periodSeconds: 10, timeoutSeconds });
    const run = await doctorOn(
      [
        deployment('live-default', healthyContainer()),
        deployment('live-above', healthyContainer({ livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, timeoutSeconds: 2 } })),
        deployment('exec-flag', healthyContainer({ livenessProbe: exec(['--live', '--socket', '/run/app/probes.sock', '--timeout', '0.5'], 2) })),
        deployment('exec-ok', healthyContainer({ livenessProbe: exec(['--live', '--socket', '/run/app/probes.sock', '--timeout', '2'], 3) })),
      ],
      { config },
    );
    assert.deepEqual(run.findings.map((f) => [f.target, f.message]), [
      ['Deployment/live-default app', "livenessProbe.timeoutSeconds 1 s (the default) is not above the slowest liveness check timeout 1500 ms (loop): set it to 2 or lower the check's timeoutMs"],
      ['Deployment/exec-flag app', "livenessProbe's `shipshape probe --timeout 0.5` is not above the slowest liveness check timeout 1500 ms (loop): set it to 2 or lower the check's timeoutMs"],
    ]);
    assert.equal(run.status, 1);
  });
});

describe('shipshape doctor: liveness-checks-dependencies', () => {
  it('is an error when liveness asks a readiness or startup endpoint, or runs `shipshape probe --ready`', async () => {
    const live = (probe: object) => healthyContainer({ livenessProbe: probe });
    const run = await doctorOn(
      [
        deployment('on-readyz', live({ httpGet: { path: '/readyz', port: 'http' } })),
        deployment('on-startupz', live({ httpGet: { path: '/startupz', port: 'http' } })),
        deployment('on-one-check', live({ httpGet: { path: '/readyz/db', port: 'http' } })),
        deployment('exec-ready', live({ exec: { command: ['shipshape', 'probe', '--ready', '--socket', '/run/app/probes.sock'] } })),
        deployment('on-livez', live({ httpGet: { path: '/livez', port: 'http' } })),
        deployment('on-healthz', live({ httpGet: { path: '/healthz', port: 3000 } })),
        deployment('exec-live', live({ exec: { command: ['shipshape', 'probe', '--live', '--socket', '/run/app/probes.sock'] } })),
      ],
      { config: `export default { probes: { readiness: { db: async () => {}, cache: async () => {} } } };\n` },
    );
    const found = run.findings.filter((f) => f.rule === 'liveness-checks-dependencies');
    assert.deepEqual(found.map((f) => f.target), ['Deployment/on-readyz app', 'Deployment/on-startupz app', 'Deployment/on-one-check app', 'Deployment/exec-ready app']);
    assert.ok(found.every((f) => f.level === 'error'));
    assert.equal(found[0]!.message, 'livenessProbe asks /readyz, which runs the readiness checks (db, cache): a failing dependency would restart every pod instead of taking it out of traffic; point livenessProbe at /livez');
    assert.equal(found[2]!.message, 'livenessProbe asks /readyz/db, which runs the readiness checks (db): a failing dependency would restart every pod instead of taking it out of traffic; point livenessProbe at /livez');
    assert.match(found[3]!.message, /^livenessProbe asks `shipshape probe --ready`, .*; run `shipshape probe --live`$/);
    for (const name of ['on-livez', 'on-healthz', 'exec-live']) assert.deepEqual(run.rulesOf(`Deployment/${name} app`), [], name);
    assert.equal(run.status, 1);
  });
});

describe('shipshape doctor: same-probe', () => {
  it('warns when liveness and readiness send the same request (named and numeric ports resolved), whatever their timings', async () => {
    const run = await doctorOn([
      deployment('same', healthyContainer({ readinessProbe: { httpGet: { path: '/healthz', port: 'http' } }, livenessProbe: { httpGet: { path: '/healthz', port: 3000 }, periodSeconds: 20, failureThreshold: 6 } })),
      deployment('same-exec', healthyContainer({
        readinessProbe: { exec: { command: ['shipshape', 'probe', '--live', '--socket', '/s'] } },
        livenessProbe: { exec: { command: ['shipshape', 'probe', '--live', '--socket', '/s'] } },
      })),
      deployment('other-port', healthyContainer({
        ports: [{ name: 'http', containerPort: 3000 }, { name: 'admin', containerPort: 3001 }],
        readinessProbe: { httpGet: { path: '/healthz', port: 'admin' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
      })),
      deployment('distinct'),
    ]);
    assert.deepEqual(run.findings.filter((f) => f.rule === 'same-probe').map((f) => [f.level, f.target]), [
      ['warn', 'Deployment/same app'],
      ['warn', 'Deployment/same-exec app'],
    ]);
    assert.equal(
      run.findings[0]!.message,
      'livenessProbe and readinessProbe are the same (httpGet /healthz port 3000): either a dependency outage restarts the pod or readiness ignores the dependencies; point livenessProbe at /livez and readinessProbe at /readyz',
    );
    assert.deepEqual(run.rulesOf('Deployment/other-port app'), []);
    assert.deepEqual(run.rulesOf('Deployment/distinct app'), []);
    assert.equal(run.status, 0, 'warnings only: exit 0');
  });
});

describe('shipshape doctor: no-readiness', () => {
  it('warns about a container with ports and no readiness probe, not about one without ports', async () => {
    const { readinessProbe: _, ...noReadiness } = healthyContainer();
    const { ports: __, ...noPorts } = noReadiness;
    const worker = { ...noPorts, startupProbe: { httpGet: { path: '/startupz', port: 3000 } }, livenessProbe: { httpGet: { path: '/livez', port: 3000 } } };
    const run = await doctorOn([deployment('with-ports', noReadiness), deployment('without-ports', worker)]);
    assert.deepEqual(run.findings, [
      {
        level: 'warn',
        rule: 'no-readiness',
        target: 'Deployment/with-ports app',
        message: 'it has ports (http 3000) and no readinessProbe: it gets traffic before the app is ready and while it drains; add a readinessProbe with httpGet /readyz port http',
      },
    ]);
    assert.equal(run.status, 0);
  });
});

describe('shipshape doctor: no-startup', () => {
  it('warns when a liveness initialDelaySeconds stands in for a startup probe', async () => {
    const { startupProbe: _, ...noStartup } = healthyContainer();
    const delayed = { httpGet: { path: '/livez', port: 'http' }, initialDelaySeconds: 30 };
    const run = await doctorOn([
      deployment('delayed', { ...noStartup, livenessProbe: delayed }),
      deployment('delayed-with-startup', healthyContainer({ livenessProbe: delayed })),
      deployment('no-delay', noStartup),
    ]);
    assert.deepEqual(run.findings, [
      {
        level: 'warn',
        rule: 'no-startup',
        target: 'Deployment/delayed app',
        message:
          'livenessProbe.initialDelaySeconds 30 s stands in for a startup probe: a slower start gets the pod restarted; add a startupProbe on /startupz with periodSeconds × failureThreshold ≥ 60 s (what initialDelaySeconds 30 + periodSeconds 10 × failureThreshold 3 allow now) and remove initialDelaySeconds',
      },
    ]);
  });
});

describe('shipshape doctor: unknown-path', () => {
  it('is an error for a path the app does not serve or a check it does not have; a query string is fine', async () => {
    const ready = (path: string) => healthyContainer({ readinessProbe: { httpGet: { path, port: 'http' } } });
    const run = await doctorOn(
      [deployment('ready', ready('/ready')), deployment('no-check', ready('/readyz/nope')), deployment('verbose', ready('/readyz?verbose')), deployment('one-check', ready('/readyz/db'))],
      { config: `export default { probes: { readiness: { db: async () => {} } } };\n` },
    );
    assert.deepEqual(run.findings.map((f) => [f.level, f.rule, f.target, f.message]), [
      ['error', 'unknown-path', 'Deployment/ready app', 'readinessProbe.httpGet.path /ready is not served by the app (it serves /livez, /healthz, /readyz, /startupz): set it to /readyz'],
      ['error', 'unknown-path', 'Deployment/no-check app', 'readinessProbe.httpGet.path /readyz/nope names no readiness check "nope" (the app answers 404; its readiness checks: db): name one of them or ask /readyz'],
    ]);
    assert.equal(run.status, 1);
  });
});

describe('shipshape doctor: unknown-port', () => {
  it('is an error for a port that is neither a number nor a named port of the container', async () => {
    const run = await doctorOn([
      deployment('typo', healthyContainer({ readinessProbe: { httpGet: { path: '/readyz', port: 'htpp' } } })),
      deployment('quoted', healthyContainer({ livenessProbe: { httpGet: { path: '/livez', port: '3000' } } })),
      deployment('tcp', healthyContainer({ livenessProbe: { tcpSocket: { port: 'metrics' } } })),
      deployment('numeric', healthyContainer({ readinessProbe: { httpGet: { path: '/readyz', port: 3000 } }, livenessProbe: { tcpSocket: { port: 3000 } } })),
      deployment('named-tcp', healthyContainer({ livenessProbe: { tcpSocket: { port: 'http' } } })),
      // a numeric port need not be listed in ports[]: the kubelet connects to it anyway
      deployment('unlisted', healthyContainer({ livenessProbe: { httpGet: { path: '/livez', port: 8081 } } })),
    ]);
    assert.deepEqual(run.findings.map((f) => [f.level, f.rule, f.target, f.message]), [
      ['error', 'unknown-port', 'Deployment/typo app', 'readinessProbe.httpGet.port "htpp" is neither a number nor a named port of the container (its named ports: http 3000): name one of them or give the number'],
      ['error', 'unknown-port', 'Deployment/quoted app', 'livenessProbe.httpGet.port "3000" is a string, which Kubernetes reads as a port name: write the number 3000 without quotes'],
      ['error', 'unknown-port', 'Deployment/tcp app', 'livenessProbe.tcpSocket.port "metrics" is neither a number nor a named port of the container (its named ports: http 3000): name one of them or give the number'],
    ]);
    assert.equal(run.status, 1);
  });
});

describe('shipshape doctor: exec-probe-cost', () => {
  it('warns about an in-process `shipshape probe` more often than every 10 s, not one over --socket, --url, --grpc or $SHIPSHAPE_SOCKET', async () => {
    const exec = (command: string[], periodSeconds?: number) => ({ exec: { command }, periodSeconds, timeoutSeconds: 2 });
    const worker = (name: string, probe: object, extra: object = {}) => deployment(name, { name: 'worker', image: 'w', livenessProbe: probe, ...extra });
    const run = await doctorOn([
      worker('in-process', exec(['shipshape', 'probe', '--live'], 5)),
      worker('in-shell', exec(['sh', '-c', 'exec npx shipshape probe --live --quiet'], 2)),
      worker('every-10s', exec(['shipshape', 'probe', '--live'])),
      worker('socket', exec(['shipshape', 'probe', '--live', '--socket', '/run/app/probes.sock'], 5)),
      worker('url', exec(['node', '/app/node_modules/shipshape/dist/cli/main.js', 'probe', '--live', '--url=http://127.0.0.1:3000'], 5)),
      worker('grpc', exec(['shipshape', 'probe', '--live', '--grpc', '127.0.0.1:50051'], 5)),
      worker('env', exec(['shipshape', 'probe', '--live'], 5), { env: [{ name: 'SHIPSHAPE_SOCKET', value: '/run/app/probes.sock' }] }),
      // 0 is defaulted by the API server, to 10
      worker('zero', exec(['shipshape', 'probe', '--live'], 0)),
    ]);
    assert.deepEqual(run.findings.map((f) => [f.level, f.rule, f.target]), [
      ['warn', 'exec-probe-cost', 'Deployment/in-process worker'],
      ['warn', 'exec-probe-cost', 'Deployment/in-shell worker'],
    ]);
    assert.equal(
      run.findings[0]!.message,
      'livenessProbe starts `shipshape probe --live` in a new process every 5 s, which runs the checks itself on new connections: add --socket PATH (the app serves it with probes.listen), --url or --grpc, or set periodSeconds to 10 or more',
    );
    assert.equal(run.status, 0);
  });

  it('does not warn when the config file names the socket `shipshape probe` uses by default', async () => {
    const run = await doctorOn([deployment('w', { name: 'worker', image: 'w', livenessProbe: { exec: { command: ['shipshape', 'probe', '--live'] }, periodSeconds: 5 } })], {
      config: `export default { socket: '/run/app/probes.sock' };\n`,
    });
    assert.deepEqual(run.findings, []);
    assert.equal(run.summary, '0 errors, 0 warnings in 1 manifest');
  });
});
