/**
 * `shipshape doctor`'s output and exit codes: the finding lines and the summary, `--json`,
 * colour (NO_COLOR, TERM=dumb, FORCE_COLOR, a terminal), and which containers are the
 * app's (`--container`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { run as runDoctor } from '../../src/cli/commands/doctor.js';
import { memoryIO } from '../_helpers/cli.js';
import { deployment, doctorOn, healthyContainer, toYaml } from '../_helpers/doctor.js';

const LIVENESS_ON_STARTUPZ = healthyContainer({ livenessProbe: { httpGet: { path: '/startupz', port: 'http' } } });
const SAME = healthyContainer({ readinessProbe: { httpGet: { path: '/livez', port: 'http' } } });
const TYPO = healthyContainer({ readinessProbe: { httpGet: { path: '/readyz', port: 'htpp' } } });

describe('shipshape doctor: output', () => {
  it('prints one line a finding, `level rule Kind/name container: message`, then the summary; exit 1 with an error', async () => {
    const run = await doctorOn([deployment('web', LIVENESS_ON_STARTUPZ), deployment('api', [TYPO, { ...SAME, name: 'admin' }]), deployment('clean')]);
    assert.equal(
      run.stdout,
      [
        'error liveness-checks-dependencies Deployment/web app: livenessProbe asks /startupz, which runs the startup checks: a failing dependency would restart every pod instead of taking it out of traffic; point livenessProbe at /livez',
        'error unknown-port Deployment/api app: readinessProbe.httpGet.port "htpp" is neither a number nor a named port of the container (its named ports: http 3000): name one of them or give the number',
        'warn same-probe Deployment/api admin: livenessProbe and readinessProbe are the same (httpGet /livez port http): either a dependency outage restarts the pod or readiness ignores the dependencies; point livenessProbe at /livez and readinessProbe at /readyz',
        '2 errors, 1 warning in 3 manifests',
        '',
      ].join('\n'),
    );
    assert.equal(run.stderr, '');
    assert.equal(run.status, 1);
  });

  it('exits 0 with only warnings, and with no finding at all', async () => {
    const warned = await doctorOn([deployment('web', SAME)]);
    assert.equal(warned.summary, '0 errors, 1 warning in 1 manifest');
    assert.equal(warned.status, 0);
    const clean = await doctorOn([deployment('web'), deployment('api')]);
    assert.equal(clean.stdout, '0 errors, 0 warnings in 2 manifests\n');
    assert.equal(clean.status, 0);
  });

  it('prints the findings as a JSON array with --json (file, line and namespace included), and the same exit code', async () => {
    const web = { ...deployment('web', LIVENESS_ON_STARTUPZ), metadata: { name: 'web', namespace: 'shop' } };
    const run = await doctorOn([web], { args: ['--json'] });
    assert.equal(run.status, 1);
    const text = toYaml(web);
    const line = text.split('\n').findIndex((l) => l.includes('livenessProbe:')) + 2; // its httpGet
    assert.deepEqual(JSON.parse(run.stdout), [
      {
        level: 'error',
        rule: 'liveness-checks-dependencies',
        kind: 'Deployment',
        name: 'web',
        namespace: 'shop',
        container: 'app',
        message: 'livenessProbe asks /startupz, which runs the startup checks: a failing dependency would restart every pod instead of taking it out of traffic; point livenessProbe at /livez',
        file: '<stdin>',
        line,
      },
    ]);
    const clean = await doctorOn([deployment('web')], { args: ['--json'] });
    assert.equal(clean.stdout, '[]\n');
    assert.equal(clean.status, 0);
  });

  it('colours the level with FORCE_COLOR, never with NO_COLOR, and not in a pipe by default', async () => {
    const documents = [deployment('web', LIVENESS_ON_STARTUPZ), deployment('api', SAME)];
    const forced = await doctorOn(documents, { env: { FORCE_COLOR: '1' } });
    assert.match(forced.stdout, /^\u001B\[31merror\u001B\[39m liveness-checks-dependencies /m);
    assert.match(forced.stdout, /^\u001B\[33mwarn\u001B\[39m same-probe /m);
    for (const env of [{}, { NO_COLOR: '1', FORCE_COLOR: '1' }, { TERM: 'dumb' }]) {
      const plain = await doctorOn(documents, { env });
      assert.doesNotMatch(plain.stdout, /\u001B/, JSON.stringify(env));
      assert.match(plain.stdout, /^error liveness-checks-dependencies /);
    }
  });

  it('colours on a terminal unless NO_COLOR or TERM=dumb (in-process, with a TTY stdout)', async () => {
    const input = toYaml(deployment('web', LIVENESS_ON_STARTUPZ));
    for (const [env, coloured] of [[{}, true], [{ NO_COLOR: '1' }, false], [{ TERM: 'dumb' }, false], [{ NO_COLOR: '' }, true]] as const) {
      let out = '';
      const io = memoryIO({ env, stdin: (async function* () { yield Buffer.from(input); })(), stdout: Object.assign({ write: (text: string) => (out += text) }, { isTTY: true }) });
      assert.equal(await runDoctor(['-'], io), 1);
      assert.equal(out.startsWith('\u001B[31merror\u001B[39m '), coloured, JSON.stringify(env));
    }
  });
});

describe('shipshape doctor: which containers are the app\'s', () => {
  it('checks every container whose probes ask shipshape paths or run `shipshape probe`, and leaves the others', async () => {
    const sidecar = { name: 'proxy', image: 'envoy', ports: [{ name: 'https', containerPort: 8443 }], livenessProbe: { httpGet: { path: '/ready', port: 'admin' } } };
    const worker = { name: 'worker', image: 'w', livenessProbe: { exec: { command: ['shipshape', 'probe', '--ready', '--socket', '/s'] } } };
    const run = await doctorOn([deployment('web', [LIVENESS_ON_STARTUPZ, sidecar, worker])]);
    assert.deepEqual(run.findings.map((f) => [f.rule, f.target]), [
      ['liveness-checks-dependencies', 'Deployment/web app'],
      ['liveness-checks-dependencies', 'Deployment/web worker'],
    ]);
  });

  it('with --container NAME (repeatable), checks exactly the containers of those names', async () => {
    const own = { name: 'web', image: 'w', ports: [{ name: 'http', containerPort: 3000 }], livenessProbe: { httpGet: { path: '/health', port: 'http' } } };
    const documents = [deployment('web', [own, { ...LIVENESS_ON_STARTUPZ, name: 'other' }]), deployment('api', { ...SAME, name: 'api' })];
    const named = await doctorOn(documents, { args: ['--container', 'web'] });
    assert.deepEqual(named.findings.map((f) => [f.rule, f.target]), [
      ['no-readiness', 'Deployment/web web'],
      ['unknown-path', 'Deployment/web web'],
    ]);
    const both = await doctorOn(documents, { args: ['--container', 'web', '--container', 'api'] });
    assert.deepEqual(both.findings.map((f) => f.target), ['Deployment/web web', 'Deployment/web web', 'Deployment/api api']);
    const detected = await doctorOn(documents);
    assert.deepEqual(detected.findings.map((f) => f.target), ['Deployment/web other', 'Deployment/api api']);
  });

  it('prints its usage with --help', async () => {
    const run = await doctorOn([], { args: ['--help'] });
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^Usage: shipshape doctor \[FILE\.\.\. \| DIR \| -\] \[--config FILE\] \[--container NAME\] \[--json\]\n/);
  });
});
