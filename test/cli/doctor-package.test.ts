/**
 * `shipshape doctor` as users get it: the built package installed in a project of its own,
 * outside this repository. Its YAML parser, `yaml`, is an optional peer dependency: without
 * it doctor exits 2 naming the package to install; with it, doctor works. The parser is not
 * bundled into the package and is loaded by doctor only.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildPackage, ROOT } from '../_helpers/build.js';
import { deployment, healthyContainer, toYaml } from '../_helpers/doctor.js';

const MANIFEST = toYaml(deployment('web', healthyContainer({ livenessProbe: { httpGet: { path: '/startupz', port: 'http' } } })));

describe('shipshape doctor from the built package', () => {
  let project = '';
  const bin = () => path.join(project, 'node_modules/shipshape/dist/cli/main.js');
  const doctor = () => spawnSync(process.execPath, [bin(), 'doctor', '-'], { cwd: project, input: MANIFEST, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  before(() => {
    buildPackage(['cli/main.js']);
    // outside the repository, so that nothing resolves from its node_modules
    project = mkdtempSync(path.join(tmpdir(), `shipshape-doctor-package-${process.pid}-`));
    assert.ok(!existsSync(path.join(path.dirname(project), 'node_modules', 'yaml')), 'no yaml above the temporary project');
    cpSync(path.join(ROOT, 'dist'), path.join(project, 'node_modules/shipshape/dist'), { recursive: true });
    cpSync(path.join(ROOT, 'package.json'), path.join(project, 'node_modules/shipshape/package.json'));
  });

  after(() => rmSync(project, { recursive: true, force: true }));

  it('exits 2 naming the package to install when `yaml` is missing', () => {
    const run = doctor();
    assert.equal(run.stderr, 'shipshape doctor: the package "yaml" is not installed: run `npm install yaml`\n');
    assert.equal(run.stdout, '');
    assert.equal(run.status, 2);
  });

  it('works once the app has `yaml`', () => {
    cpSync(path.join(ROOT, 'node_modules/yaml'), path.join(project, 'node_modules/yaml'), { recursive: true });
    const run = doctor();
    assert.match(run.stdout, /^error liveness-checks-dependencies Deployment\/web app: /);
    assert.match(run.stdout, /\n1 error, 0 warnings in 1 manifest\n$/);
    assert.equal(run.status, 1);
  });

  it('keeps the parser out of the bundle and doctor out of every other command', () => {
    const chunks = readdirSync(path.join(ROOT, 'dist/chunks'));
    const doctorChunk = chunks.find((name) => name.startsWith('doctor-'));
    assert.ok(doctorChunk, 'doctor is a chunk of its own');
    const code = readFileSync(path.join(ROOT, 'dist/chunks', doctorChunk), 'utf8');
    assert.doesNotMatch(code, /function parseAllDocuments\(/, "yaml's own code is not bundled");
    const main = readFileSync(path.join(ROOT, 'dist/cli/main.js'), 'utf8');
    assert.doesNotMatch(main, /^import[^;]*doctor-/m, 'main.js does not import doctor statically');
  });
});
