/**
 * What `shipshape doctor` reads: standard input, files and directories, several documents
 * a file, List objects, JSON, every workload kind; and what it refuses with exit 2: YAML
 * syntax errors (file and line), unreadable files, malformed workloads, bad arguments.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployment, doctor, doctorOn, healthyContainer, podSpec, toYaml } from '../_helpers/doctor.js';

/** A container whose liveness probe asks /startupz: one error (liveness-checks-dependencies), whatever the config says. */
const BAD = healthyContainer({ livenessProbe: { httpGet: { path: '/startupz', port: 'http' } } });

/** The 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

describe('shipshape doctor: input', () => {
  it('reads standard input with `-`: helm template output with comments, empty documents and other kinds', async () => {
    const helm = [
      '---',
      '# Source: web/templates/service.yaml',
      toYaml({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } }),
      '---',
      '# Source: web/templates/deployment.yaml',
      toYaml(deployment('web', BAD)),
      '---',
      '---',
      toYaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { a: 'b' } }),
    ].join('\n');
    const run = await doctor(['-'], { input: helm });
    assert.deepEqual(run.findings.map((f) => [f.rule, f.target]), [['liveness-checks-dependencies', 'Deployment/web app']]);
    assert.equal(run.summary, '1 error, 0 warnings in 1 manifest');
    assert.equal(run.stderr, '');
    assert.equal(run.status, 1);
  });

  it('reads several files and a directory (its .yaml, .yml and .json files, sorted), and reports each under its own name and line', async () => {
    const one = toYaml(deployment('first', BAD), deployment('second', BAD));
    const run = await doctor(['one.yaml', 'k8s', '--json'], {
      files: {
        'one.yaml': one,
        'k8s/b.yml': toYaml(deployment('from-yml', BAD)),
        'k8s/a.json': JSON.stringify(deployment('from-json', BAD), null, 2),
        'k8s/notes.txt': 'not a manifest',
      },
    });
    assert.equal(run.status, 1);
    const findings = JSON.parse(run.stdout) as { name: string; file: string; line: number }[];
    assert.deepEqual(findings.map((f) => [f.name, f.file]), [
      ['first', 'one.yaml'],
      ['second', 'one.yaml'],
      ['from-json', 'k8s/a.json'],
      ['from-yml', 'k8s/b.yml'],
    ]);
    // the line of the field concerned: the second Deployment's livenessProbe.httpGet
    const lines = one.split('\n');
    const liveness = lines.findIndex((line, index) => index > lines.indexOf('  name: second') && line.includes('livenessProbe:'));
    assert.match(lines[liveness + 1]!, /^\s+httpGet:$/);
    assert.equal(findings[1]!.line, liveness + 2);
  });

  it('reads a kubectl List (`kubectl get deploy -o yaml`), a typed DeploymentList and JSON (`-o json`)', async () => {
    const fromKubectl = {
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: '' },
      items: [
        { ...deployment('listed', BAD), status: { replicas: 1, readyReplicas: 1 } },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'skipped' } },
        { apiVersion: 'apps/v1', kind: 'DeploymentList', items: [deployment('nested', BAD)] },
      ],
    };
    const run = await doctor(['list.yaml', 'list.json'], {
      files: { 'list.yaml': toYaml(fromKubectl), 'list.json': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [deployment('from-json', BAD)] }, null, 2) },
    });
    assert.deepEqual(run.findings.map((f) => f.target), ['Deployment/listed app', 'Deployment/nested app', 'Deployment/from-json app']);
    assert.equal(run.summary, '3 errors, 0 warnings in 3 manifests');
  });

  it('checks every workload kind where it keeps its pod spec, and sidecar init containers', async () => {
    const template = { template: { spec: podSpec(BAD) } };
    const run = await doctorOn([
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod' }, spec: podSpec(BAD) },
      { ...deployment('deployment', BAD) },
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'statefulset' }, spec: { serviceName: 's', selector: {}, ...template } },
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'daemonset' }, spec: { selector: {}, ...template } },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'replicaset' }, spec: { selector: {}, ...template } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'job' }, spec: template },
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cronjob' }, spec: { schedule: '* * * * *', jobTemplate: { spec: template } } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'sidecar' },
        spec: { initContainers: [{ ...BAD, name: 'sidecar', restartPolicy: 'Always' }, { ...BAD, name: 'plain-init' }], containers: [{ name: 'main', image: 'm' }] },
      },
    ]);
    assert.deepEqual(run.findings.map((f) => f.target), [
      'Pod/pod app',
      'Deployment/deployment app',
      'StatefulSet/statefulset app',
      'DaemonSet/daemonset app',
      'ReplicaSet/replicaset app',
      'Job/job app',
      'CronJob/cronjob app',
      'Pod/sidecar sidecar',
    ]);
    assert.equal(run.summary, '8 errors, 0 warnings in 8 manifests');
  });

  it('skips containers whose probes are not shipshape\'s, and says so when it found none at all', async () => {
    const other = { name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], livenessProbe: { httpGet: { path: '/', port: 80 } } };
    const run = await doctorOn([deployment('nginx', other)]);
    assert.deepEqual(run.findings, []);
    assert.equal(run.summary, '0 errors, 0 warnings in 1 manifest');
    assert.match(run.stderr, /^shipshape doctor: no container probes shipshape's paths \(\/livez, \/healthz, \/readyz, \/startupz\) or runs `shipshape probe`: nothing to check \(name the app's container with --container NAME\)\n$/);
    assert.equal(run.status, 0);
  });
});

describe('shipshape doctor: input it refuses (exit 2)', () => {
  it('names the file and line of a YAML syntax error, in any document of a file', async () => {
    const run = await doctor(['ok.yaml', 'broken.yaml'], {
      files: { 'ok.yaml': toYaml(deployment('ok')), 'broken.yaml': `${toYaml(deployment('first'))}---\nkind: Deployment\nmetadata:\n  name: a: b\n` },
    });
    const line = toYaml(deployment('first')).split('\n').length + 3;
    assert.equal(run.status, 2);
    assert.equal(run.stderr, `shipshape doctor: broken.yaml:${line}:9: Nested mappings are not allowed in compact mappings\n`);
    assert.equal(run.stdout, '');
  });

  it('names <stdin> for a syntax error on standard input', async () => {
    const run = await doctor(['-'], { input: 'kind: Pod\nmetadata:\n\tname: tab\n' });
    assert.equal(run.status, 2);
    assert.equal(run.stderr, 'shipshape doctor: <stdin>:3:1: Tabs are not allowed as indentation\n');
  });

  it('exits 2 for a file that cannot be read, and for a directory with no manifests', async () => {
    for (const [arg, message] of [
      ['missing.yaml', 'missing.yaml: cannot read it: no such file or directory'],
      ['plain.txt/inside.yaml', 'plain.txt/inside.yaml: cannot read it: ENOTDIR'],
      ['.', '.: no .yaml, .yml or .json file in this directory'],
    ] as const) {
      const run = await doctor([arg], { files: { 'plain.txt': 'not a directory' } });
      assert.equal(run.status, 2, arg);
      assert.equal(run.stderr, `shipshape doctor: ${message}\n`);
    }
  });

  it('exits 2 for a workload whose shape is not Kubernetes\', naming the file and line', async () => {
    const notAList = toYaml({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: { name: 'app' } } });
    const notANumber = toYaml(deployment('web', healthyContainer({ readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, timeoutSeconds: '3' } })));
    const noName = toYaml({ apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: { containers: [] } });
    const cases = [
      [notAList, new RegExp(`^shipshape doctor: <stdin>:${lineOf(notAList, 'containers:')}: Pod/p: containers must be a list of containers, each with a name\\n$`)],
      [notANumber, new RegExp(`^shipshape doctor: <stdin>:${lineOf(notANumber, 'timeoutSeconds:')}: Deployment/web app: readinessProbe.timeoutSeconds must be a whole number, got "3"\\n$`)],
      [noName, /^shipshape doctor: <stdin>:1: a Pod without metadata\.name\n$/],
    ] as const;
    for (const [input, expected] of cases) {
      const run = await doctor(['-'], { input });
      assert.equal(run.status, 2);
      assert.match(run.stderr, expected);
    }
  });

  it('exits 2 with a one-line message for no manifest, `-` twice, an unknown flag or an unknown --container', async () => {
    const cases = [
      [[], 'shipshape doctor: name the manifests to check: FILE..., a directory, or - for standard input (see shipshape doctor --help)'],
      [['-', '-'], 'shipshape doctor: - (standard input) can be given once (see shipshape doctor --help)'],
      [['-', '--strict'], 'shipshape doctor: unknown option --strict (see shipshape doctor --help)'],
      [['-', '--container', 'web'], 'shipshape doctor: --container "web": no container of that name in the manifests (see shipshape doctor --help)'],
    ] as const;
    for (const [args, message] of cases) {
      const run = await doctor(args, { input: toYaml(deployment('web')) });
      assert.equal(run.status, 2, args.join(' '));
      assert.equal(run.stderr, `${message}\n`);
    }
  });
});
