/**
 * `shipshape doctor` reads the app's side from the config file: custom paths and
 * `basePath`, the probe-wide and per-check timeouts, startup checks of their own; the file
 * comes from --config, $SHIPSHAPE_CONFIG or the working directory; options the app would
 * refuse exit 2 naming the file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployment, doctor, doctorOn, healthyContainer, toYaml } from '../_helpers/doctor.js';

const probesAt = (live: string, ready: string, startup: string) =>
  healthyContainer({
    livenessProbe: { httpGet: { path: live, port: 'http' } },
    readinessProbe: { httpGet: { path: ready, port: 'http' } },
    startupProbe: { httpGet: { path: startup, port: 'http' }, periodSeconds: 2, failureThreshold: 30 },
  });

describe('shipshape doctor: the config changes the findings', () => {
  it('knows the paths and basePath the app serves, and still checks a probe left on a default path', async () => {
    const config = `export default { probes: { basePath: '/_health', paths: { live: '/alive', startup: [] } } };\n`;
    const run = await doctorOn([deployment('moved', probesAt('/_health/alive', '/_health/readyz', '/_health/readyz')), deployment('old', probesAt('/livez', '/readyz', '/startupz'))], { config });
    assert.deepEqual(run.rulesOf('Deployment/moved app'), []);
    assert.deepEqual(run.findings.map((f) => f.message), [
      'livenessProbe.httpGet.path /livez is not served by the app (it serves /_health/alive, /_health/readyz): set it to /_health/alive',
      'readinessProbe.httpGet.path /readyz is not served by the app (it serves /_health/alive, /_health/readyz): set it to /_health/readyz',
      'startupProbe.httpGet.path /startupz is not served by the app (it serves /_health/alive, /_health/readyz): the app serves no startup path (paths.startup is empty): turn one on',
    ]);
    // the same manifests against the defaults: the other way round
    const defaults = await doctorOn([deployment('moved', probesAt('/_health/alive', '/_health/readyz', '/_health/readyz')), deployment('old', probesAt('/livez', '/readyz', '/startupz'))]);
    assert.deepEqual(defaults.findings.map((f) => [f.rule, f.target]), [
      ['unknown-path', 'Deployment/moved app'],
      ['unknown-path', 'Deployment/moved app'],
      ['unknown-path', 'Deployment/moved app'],
    ]);
  });

  it('takes every check timeout from the probe-wide timeoutMs unless the check has its own', async () => {
    const config = `export default { probes: { timeoutMs: 1500, readiness: { db: async () => {}, fast: { run: async () => {}, timeoutMs: 300 } }, startup: { warm: { run: async () => {}, timeoutMs: 4000 } } } };\n`;
    const run = await doctorOn(
      [
        deployment('defaults'),
        deployment('one-fast-check', healthyContainer({ readinessProbe: { httpGet: { path: '/readyz/fast', port: 'http' } }, startupProbe: { httpGet: { path: '/startupz', port: 'http' }, timeoutSeconds: 5 } })),
      ],
      { config },
    );
    assert.deepEqual(run.findings.map((f) => [f.target, f.message]), [
      ['Deployment/defaults app', "readinessProbe.timeoutSeconds 1 s (the default) is not above the slowest readiness check timeout 1500 ms (db): set it to 2 or lower the check's timeoutMs"],
      ['Deployment/defaults app', "startupProbe.timeoutSeconds 1 s (the default) is not above the slowest startup check timeout 4000 ms (warm): set it to 5 or lower the check's timeoutMs"],
    ]);
  });

  it('reads the config from --config FILE and from $SHIPSHAPE_CONFIG, not only from the working directory', async () => {
    const files = { 'deploy.yaml': toYaml(deployment('web')), 'conf/app.config.mjs': `export default { shutdown: { timeoutMs: 60000 } };\n` };
    const flag = await doctor(['deploy.yaml', '--config', 'conf/app.config.mjs'], { files });
    assert.deepEqual(flag.findings.map((f) => f.rule), ['grace-period']);
    const env = await doctor(['deploy.yaml'], { files, env: { SHIPSHAPE_CONFIG: 'conf/app.config.mjs' } });
    assert.deepEqual(env.findings.map((f) => f.rule), ['grace-period']);
    const none = await doctor(['deploy.yaml'], { files });
    assert.deepEqual(none.findings, []);
  });

  it('exits 2 naming the file when its probes or shutdown options are ones the app would refuse', async () => {
    const cases = [
      [`export default { probes: { timeoutMs: -1 } };\n`, 'shipshape doctor: shipshape.config.mjs: `probes`: Expected `timeoutMs` to be a positive number of milliseconds, got `-1`'],
      [`export default { probes: { paths: { ready: 'readyz' } } };\n`, 'shipshape doctor: shipshape.config.mjs: `probes`: Expected `paths.ready` paths to start with "/" (no query, no trailing "/"), got `"readyz"`'],
      [`export default { shutdown: { delayMs: '5s' } };\n`, 'shipshape doctor: shipshape.config.mjs: `shutdown`: Expected `delayMs` to be a number ≥ 0, got `"5s"`'],
      [`export default { shutdown: { grace: 1 } };\n`, 'shipshape doctor: shipshape.config.mjs: `shutdown`: Unknown option `grace`: expected one of `probes`, `delayMs`, `timeoutMs`, `hookTimeoutMs`, `onShutdown`, `websockets`, `signals`, `gracePeriodMs`, `logger`, `exit`'],
      [`export default { probs: {} };\n`, 'shipshape doctor: shipshape.config.mjs: unknown key `probs`: expected one of `database`, `probes`, `socket`, `shutdown`, `admin`, `grpc`'],
      [`export default { grpc: 'yes' };\n`, 'shipshape doctor: shipshape.config.mjs: `grpc` must be true or false, got `"yes"`'],
    ] as const;
    for (const [config, message] of cases) {
      const run = await doctorOn([deployment('web')], { config });
      assert.equal(run.status, 2, config);
      assert.equal(run.stderr, `${message}\n`);
      assert.equal(run.stdout, '');
    }
  });
});
