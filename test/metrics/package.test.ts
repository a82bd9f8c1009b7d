/**
 * shipshape/prometheus and shipshape/otel as users get them: the built package installed in
 * a project of its own, outside this repository. Each metrics library is an optional peer:
 * without it the call throws DriverMissingError naming the package, with it it works; and
 * `import('shipshape')` loads none of the metrics code.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildPackage, ROOT } from '../_helpers/build.js';

describe('the metrics entries from the built package', () => {
  let project = '';

  /** Runs an ES module in the project and returns its stdout (it must exit 0). */
  const run = (code: string): string => {
    const file = path.join(project, `script-${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(file, code);
    const result = spawnSync(process.execPath, [file], { cwd: project, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout.trim();
  };

  before(() => {
    buildPackage(['prometheus.js', 'otel.js', 'index.js']);
    // outside the repository, so that nothing resolves from its node_modules
    project = mkdtempSync(path.join(tmpdir(), `shipshape-metrics-package-${process.pid}-`));
    cpSync(path.join(ROOT, 'dist'), path.join(project, 'node_modules/shipshape/dist'), { recursive: true });
    cpSync(path.join(ROOT, 'package.json'), path.join(project, 'node_modules/shipshape/package.json'));
  });

  after(() => rmSync(project, { recursive: true, force: true }));

  it('throws DriverMissingError naming prom-client or @opentelemetry/api when it is missing', () => {
    const output = run(`
      import { createProbes } from 'shipshape';
      import { prometheusMetrics } from 'shipshape/prometheus';
      import { otelMetrics } from 'shipshape/otel';
      const probes = createProbes();
      for (const attempt of [() => prometheusMetrics(probes), () => otelMetrics(probes)]) {
        try { attempt(); console.log('no error'); } catch (error) { console.log(error.name, error.code, error.message); }
      }
    `);
    assert.equal(
      output,
      [
        'DriverMissingError SHIPSHAPE_DRIVER_MISSING the package "prom-client" is not installed: run `npm install prom-client`',
        'DriverMissingError SHIPSHAPE_DRIVER_MISSING the package "@opentelemetry/api" is not installed: run `npm install @opentelemetry/api`',
      ].join('\n'),
    );
  });

  it('works once the app has the package', () => {
    for (const name of ['prom-client', 'tdigest', 'bintrees', '@opentelemetry/api']) {
      cpSync(path.join(ROOT, 'node_modules', name), path.join(project, 'node_modules', name), { recursive: true });
    }
    const output = run(`
      import { register } from 'prom-client';
      import { metrics } from '@opentelemetry/api';
      import { createProbes } from 'shipshape';
      import { prometheusMetrics } from 'shipshape/prometheus';
      import { otelMetrics } from 'shipshape/otel';
      const probes = createProbes({ readiness: { db: () => {} } });
      prometheusMetrics(probes);
      otelMetrics(probes); // the global no-op meter: no SDK here
      await probes.check('readiness');
      console.log((await register.metrics()).match(/^shipshape_check_up.*$/m)[0]);
    `);
    assert.equal(output, 'shipshape_check_up{check="db"} 1');
  });

  it('keeps the metrics code out of what import("shipshape") loads', () => {
    const loaded = new Set<string>();
    const visit = (file: string): void => {
      if (loaded.has(file)) return;
      loaded.add(file);
      const code = readFileSync(file, 'utf8');
      for (const match of code.matchAll(/^import\s[^;]*?from\s*"(\.[^"]+)"|^import\s*"(\.[^"]+)"/gm)) visit(path.resolve(path.dirname(file), match[1] ?? match[2]!));
    };
    visit(path.join(ROOT, 'dist/index.js'));
    assert.ok(loaded.size >= 2, `index.js and its chunk: ${[...loaded].join(', ')}`);
    for (const file of loaded) {
      const code = readFileSync(file, 'utf8');
      assert.doesNotMatch(code, /check_duration_seconds|shipshape\.check\.runs|prom-client|@opentelemetry/, `${path.relative(ROOT, file)} holds metrics code`);
    }
  });
});
