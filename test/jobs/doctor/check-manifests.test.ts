/**
 * `checkManifests` from `shipshape/jobs` resolves to what `shipshape doctor --json` prints,
 * without the `file`: in-process (src/) on manifests that break most rules, and from the
 * built package on examples/kubernetes/ with their own config and with one they break.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ConfigError, InvalidOptionError } from '../../../src/index.js';
import { checkManifests } from '../../../src/jobs/index.js';
import { buildPackage, ROOT } from '../../_helpers/build.js';
import { TSX } from '../../_helpers/cli.js';
import { deployment, doctor, healthyContainer, toYaml } from '../../_helpers/doctor.js';

/** A config every rule can be measured against: a slow check, a liveness check, a long drain. */
const CONFIG = `export default {
  probes: { liveness: { loop: { run: () => {}, timeoutMs: 1500 } }, readiness: { db: { run: async () => {}, timeoutMs: 2000 }, cache: async () => {} } },
  shutdown: { delayMs: 5000, timeoutMs: 20000 },
};
`;

/** Manifests that break most rules, and one that breaks none. */
const MANIFESTS = toYaml(
  deployment('healthy', healthyContainer({ readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, timeoutSeconds: 3 }, startupProbe: { httpGet: { path: '/startupz', port: 'http' }, timeoutSeconds: 3 }, livenessProbe: { httpGet: { path: '/livez', port: 'http' }, timeoutSeconds: 2 } }), { terminationGracePeriodSeconds: 40 }),
  deployment('broken', healthyContainer({
    livenessProbe: { httpGet: { path: '/readyz', port: 'web' }, initialDelaySeconds: 30 },
    readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
    startupProbe: undefined,
    lifecycle: { preStop: { exec: { command: ['sleep', '10'] } } },
  })),
  deployment('worker', healthyContainer({ ports: undefined, readinessProbe: undefined, startupProbe: undefined, livenessProbe: { exec: { command: ['shipshape', 'probe', '--live'] }, periodSeconds: 5 } })),
);

/** `doctor --json`'s findings without their `file`. */
function withoutFile(json: string): unknown[] {
  return (JSON.parse(json) as Record<string, unknown>[]).map(({ file: _file, ...finding }) => finding);
}

describe('checkManifests', () => {
  it("resolves to doctor --json's findings, without the file", async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shipshape-check-manifests-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, 'config.mjs'), CONFIG);
    const config = ((await import(pathToFileURL(path.join(dir, 'config.mjs')).href)) as { default: object }).default;
    const run = await doctor(['-', '--json'], { config: CONFIG, input: MANIFESTS });
    assert.equal(run.status, 1, run.stderr);
    const findings = await checkManifests(MANIFESTS, config);
    assert.ok(findings.length >= 8, `most rules fire: ${findings.map((finding) => finding.rule).join(', ')}`);
    assert.deepEqual(findings, withoutFile(run.stdout));
    assert.ok(findings.every((finding) => !('file' in finding) && typeof finding.line === 'number'));
    assert.deepEqual(await checkManifests(toYaml(deployment('healthy-defaults'))), [], 'the library defaults without a config');
  });

  it('refuses YAML that does not parse, naming its line, and a workload of the wrong shape', async () => {
    await assert.rejects(checkManifests('kind: Deployment\nmetadata: {name: web\n'), (error) => error instanceof InvalidOptionError && /^yaml:\d+(:\d+)?: /.test(error.message));
    await assert.rejects(checkManifests('kind: Deployment\nmetadata: {}\n'), (error) => error instanceof InvalidOptionError && /^yaml:1: a Deployment without metadata\.name$/.test(error.message));
    await assert.rejects(checkManifests(42 as never), InvalidOptionError);
  });

  it('refuses a `grpc` that is not a boolean, and checks grpc probes against the health service with `grpc: true`', async () => {
    await assert.rejects(checkManifests(toYaml(deployment('web')), { grpc: 'yes' as never }), (error) => error instanceof ConfigError && error.message === 'config: `grpc` must be true or false, got `"yes"`');
    const grpcProbes = toYaml(deployment('api', healthyContainer({ readinessProbe: { grpc: { port: 50051, service: 'ready' } } })));
    assert.deepEqual((await checkManifests(grpcProbes, { grpc: true })).map((finding) => finding.rule), ['grpc-probe-service']);
    assert.deepEqual((await checkManifests(grpcProbes, {})).map((finding) => finding.rule), ['grpc-probe-service']);
    assert.match((await checkManifests(grpcProbes, {}))[0]!.message, /no `grpc: true`/);
  });
});

describe('checkManifests from the built package, on examples/kubernetes/', () => {
  const EXAMPLES = path.join(ROOT, 'examples/kubernetes');
  const FILES = readdirSync(EXAMPLES).filter((file) => file.endsWith('.yaml')).sort();
  let dir = '';
  before(() => {
    buildPackage(['jobs/index.js', 'jobs/index.d.ts', 'cli/main.js']);
    dir = mkdtempSync(path.join(tmpdir(), 'shipshape-check-examples-'));
    // a config the examples break: checks slower than their probes' timeouts, a drain longer than their grace periods
    writeFileSync(path.join(dir, 'strict.mjs'), 'export default { probes: { timeoutMs: 4000 }, shutdown: { delayMs: 30000 } };\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** `checkManifests` of `shipshape/jobs` (dist/, by the package's self-reference) in a child, with `config`'s default export. */
  function library(file: string, config: string): unknown[] {
    const script = `import { readFileSync } from 'node:fs'; import { checkManifests } from 'shipshape/jobs';
const { default: config } = await import(${JSON.stringify(pathToFileURL(config).href)});
process.stdout.write(JSON.stringify(await checkManifests(readFileSync(${JSON.stringify(file)}, 'utf8'), config)));`;
    const run = spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as unknown[];
  }

  function cli(file: string, config: string): unknown[] {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli/main.js'), 'doctor', file, '--json', '--config', config], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    assert.ok(run.status === 0 || run.status === 1, run.stderr);
    return withoutFile(run.stdout);
  }

  it('gives what doctor --json gives, with their own config and with one they break', () => {
    const strict = path.join(dir, 'strict.mjs');
    let broken = 0;
    for (const name of FILES) {
      const file = path.join(EXAMPLES, name);
      for (const config of [path.join(EXAMPLES, 'shipshape.config.ts'), strict]) {
        const findings = library(file, config);
        assert.deepEqual(findings, cli(file, config), `${name} with ${path.basename(config)}`);
        if (config === strict) broken += findings.length;
      }
    }
    assert.ok(broken > 0, 'the strict config finds something');
    assert.ok(readFileSync(path.join(ROOT, 'dist/jobs/index.d.ts'), 'utf8').includes('checkManifests'));
  });
});
