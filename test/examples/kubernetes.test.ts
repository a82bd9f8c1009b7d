/**
 * The manifests in examples/kubernetes/: every document validates against the Kubernetes
 * schema, offline (kubernetes-models' JSON-schema validators, with @kubernetes-models/
 * validate), and names no field the API does not have (the schema lets unknown fields
 * through, so the models' TypeScript types check them: an object literal with an unknown
 * property is a type error, as `kubectl apply --validate=strict` would refuse it); they
 * show what docs/kubernetes.md promises; and `shipshape doctor` finds nothing in them against
 * their shipshape.config.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { buildPackage, ROOT } from '../_helpers/build.js';
import { shipshape } from '../_helpers/cli.js';

const DIR = path.join(ROOT, 'examples/kubernetes');
const FILES = readdirSync(DIR).filter((file) => file.endsWith('.yaml')).sort();

type Manifest = { readonly apiVersion: string; readonly kind: string; readonly metadata: { readonly name: string } } & Record<string, unknown>;

/** Every kind the examples use: its model (schema validation) and its TypeScript type (unknown fields). */
const KINDS: Record<string, { readonly model: new (data: never) => { validate(): void }; readonly type: readonly [module: string, name: string] }> = {
  'apps/v1 Deployment': { model: Deployment, type: ['kubernetes-models/apps/v1/Deployment', 'IDeployment'] },
  'batch/v1 Job': { model: Job, type: ['kubernetes-models/batch/v1/Job', 'IJob'] },
  'v1 Service': { model: Service, type: ['kubernetes-models/v1/Service', 'IService'] },
};

const DOCUMENTS = FILES.flatMap((file) =>
  parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8')).map((document, index) => {
    assert.deepEqual(document.errors, [], `${file} #${index}`);
    return { where: `${file} #${index}`, manifest: document.toJS() as Manifest };
  }),
);

describe('examples/kubernetes', () => {
  it('has the web app, the worker, the distroless app, the gRPC app and the admin Job, beside the config they assume', () => {
    assert.deepEqual(FILES, ['admin-job.yaml', 'distroless.yaml', 'grpc.yaml', 'web.yaml', 'worker.yaml']);
    assert.ok(readdirSync(DIR).includes('shipshape.config.ts'));
  });

  it('validates every document against the Kubernetes schema', () => {
    for (const { where, manifest } of DOCUMENTS) {
      const kind = KINDS[`${manifest.apiVersion} ${manifest.kind}`];
      assert.ok(kind, `${where}: ${manifest.apiVersion} ${manifest.kind} is not a kind this test knows`);
      assert.doesNotThrow(() => new kind.model(manifest as never).validate(), where);
    }
  });

  it('refuses an invalid manifest (the validation can fail)', () => {
    const { manifest } = DOCUMENTS.find((d) => d.manifest.kind === 'Deployment')!;
    const broken = structuredClone(manifest) as unknown as { spec: { template: { spec: { containers: { ports?: unknown }[] } } } };
    broken.spec.template.spec.containers[0]!.ports = [{ containerPort: 'http' }];
    assert.throws(() => new Deployment(broken as never).validate(), /containerPort must be integer/);
  });

  it('names no field the API does not have', () => {
    const result = typecheck(DOCUMENTS);
    assert.equal(result.status, 0, result.output);
    // and the check can fail: a misspelt field is an error
    const misspelt = structuredClone(DOCUMENTS.find((d) => d.manifest.kind === 'Deployment')!);
    (misspelt.manifest.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0]!.readynessProbe = {};
    const failed = typecheck([misspelt]);
    assert.notEqual(failed.status, 0);
    assert.match(failed.output, /^distroless\.yaml #0: error TS2353: .*'"readynessProbe"' does not exist in type 'IContainer'/m);
  });

  it('shows the probes, init containers, Job, socket probe, --url probe and gRPC probes docs/kubernetes.md describes', () => {
    const deployments = new Map(DOCUMENTS.filter((d) => d.manifest.kind === 'Deployment').map((d) => [d.manifest.metadata.name, d.manifest]));
    const pod = (name: string) => (deployments.get(name)!.spec as { template: { spec: PodSpec } }).template.spec;
    const web = pod('web');
    const app = web.containers.find((c) => c.name === 'app')!;
    assert.ok(app.livenessProbe && app.readinessProbe && app.startupProbe, 'web: liveness, readiness and startup probes');
    assert.deepEqual(web.initContainers!.map((c) => c.command!.slice(0, 2)), [['shipshape', 'wait4db'], ['shipshape', 'lockedmigrate']]);
    assert.ok(web.initContainers![1]!.command!.includes('--'), 'lockedmigrate -- <migrate command>');
    const job = DOCUMENTS.find((d) => d.manifest.kind === 'Job')!.manifest as unknown as { spec: { template: { spec: PodSpec } } };
    const admin = job.spec.template.spec.containers[0]!;
    assert.deepEqual(admin.command!.slice(0, 2), ['shipshape', 'ensureadmin']);
    assert.ok(admin.env!.some((e) => e.name === 'ADMIN_PASSWORD_FILE'), 'the password comes from a mounted file');
    assert.ok(job.spec.template.spec.volumes!.some((v) => v.secret !== undefined), 'a Secret volume');
    const worker = pod('worker').containers[0]!;
    assert.ok(worker.livenessProbe!.exec!.command.includes('--socket'), 'worker: exec probe over --socket');
    const distroless = pod('web-distroless').containers.find((c) => c.name === 'app')!;
    assert.ok(distroless.readinessProbe!.exec!.command.includes('--url'), 'distroless: probe --url');
    const api = pod('api').containers[0]!;
    const services = [api.startupProbe, api.readinessProbe, api.livenessProbe].map((probe) => probe?.grpc && [probe.grpc.port, probe.grpc.service]);
    assert.deepEqual(services, [[50051, 'startup'], [50051, 'readiness'], [50051, 'liveness']], 'api: grpc probes on a port number, each naming its service');
  });
});

describe('shipshape doctor over examples/kubernetes', () => {
  // shipshape.config.ts imports `shipshape`, which resolves to dist/ (the package's own exports)
  before(() => buildPackage(['index.js', 'cli/main.js']));

  it('finds nothing against their shipshape.config.ts', async () => {
    const run = await shipshape(['doctor', 'examples/kubernetes/', '--config', 'examples/kubernetes/shipshape.config.ts']);
    assert.equal(run.stderr, '');
    assert.equal(run.stdout, `0 errors, 0 warnings in ${DOCUMENTS.filter((d) => ['Deployment', 'Job'].includes(d.manifest.kind)).length} manifests\n`);
    assert.equal(run.status, 0);
  });

  it('finds what changes when the app and the manifests drift apart (the same run can fail)', async () => {
    const run = await shipshape(['doctor', '-', '--config', 'examples/kubernetes/shipshape.config.ts'], {
      input: readFileSync(path.join(DIR, 'web.yaml'), 'utf8').replace('terminationGracePeriodSeconds: 35', 'terminationGracePeriodSeconds: 25').replace(/timeoutSeconds: 3/g, 'timeoutSeconds: 2'),
    });
    assert.deepEqual(run.stdout.split('\n').map((line) => line.split(':')[0]), [
      'error probe-timeout Deployment/web app',
      'error probe-timeout Deployment/web app',
      'error grace-period Deployment/web app',
      '3 errors, 0 warnings in 1 manifest',
      '',
    ]);
    assert.equal(run.status, 1);
  });

  it("checks grpc.yaml's grpc probes against the health service the config says the app serves", async () => {
    const grpc = readFileSync(path.join(DIR, 'grpc.yaml'), 'utf8');
    const run = await shipshape(['doctor', '-', '--config', 'examples/kubernetes/shipshape.config.ts'], {
      input: grpc.replace('grpc: { port: 50051, service: liveness }', 'grpc: { port: grpc }').replace('service: readiness', 'service: ready'),
    });
    assert.deepEqual(run.stdout.split('\n').map((line) => line.split(':')[0]), [
      // service "" is readiness: its checks (db, 2000 ms) and the liveness timeoutSeconds 2
      'error probe-timeout Deployment/api app',
      'error liveness-checks-dependencies Deployment/api app',
      'error grpc-probe-port Deployment/api app',
      'error grpc-probe-service Deployment/api app',
      '4 errors, 0 warnings in 1 manifest',
      '',
    ]);
    assert.equal(run.status, 1);
  });
});

// --- internal ---

interface Container {
  name: string;
  command?: string[];
  env?: { name: string }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
}

interface Probe {
  exec?: { command: string[] };
  grpc?: { port: unknown; service?: string };
}

interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: { secret?: object }[];
}

/** Type-checks each manifest as a literal of its kind's TypeScript type; returns tsc's status and output. */
function typecheck(documents: readonly { where: string; manifest: Manifest }[]): { status: number | null; output: string } {
  const dir = path.join(ROOT, 'node_modules/.cache/shipshape-examples-kubernetes');
  mkdirSync(dir, { recursive: true });
  const kinds = [...new Set(documents.map((d) => `${d.manifest.apiVersion} ${d.manifest.kind}`))];
  const imports = kinds.map((key) => `import type { ${KINDS[key]!.type[1]} } from '${KINDS[key]!.type[0]}';`);
  const lines = documents.map(({ where, manifest }) => `export const ${identifier(where)}: ${KINDS[`${manifest.apiVersion} ${manifest.kind}`]!.type[1]} = ${JSON.stringify(manifest)}; // ${where}`);
  writeFileSync(path.join(dir, 'manifests.ts'), [...imports, ...lines, ''].join('\n'));
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true, skipLibCheck: true, types: [] }, files: ['manifests.ts'] }),
  );
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
  // tsc names lines of the generated file: say which manifest each is
  const output = `${tsc.stdout}${tsc.stderr}`.replace(/\S*manifests\.ts\((\d+),\d+\)/g, (match, line: string) => `${documents[Number(line) - imports.length - 1]?.where ?? match}`);
  return { status: tsc.status, output };
}

function identifier(where: string): string {
  return `m_${where.replace(/[^A-Za-z0-9]/g, '_')}`;
}
