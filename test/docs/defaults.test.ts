/**
 * The documentation states default values for readers; the code has them once, in each
 * module's `DEFAULTS`. This test keeps the two from drifting apart (lightship's lesson),
 * wherever in README.md or docs/ a default is stated: every `createProbes({ … })` options block
 * and every gracefulShutdown options table, and at least one of each states every default;
 * the background interval and the metrics prefix in docs/observability.md's options table;
 * and the jobs' defaults in docs/jobs.md (the `waitFor` and `withMigrationLock` signatures,
 * the `ensureAdmin` table).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULTS as PROBES } from '../../src/core/probes.js';
import { DEFAULTS as SHUTDOWN } from '../../src/core/shutdown/options.js';
import { DEFAULTS as ENSURE_ADMIN } from '../../src/jobs/admin/options.js';
import { DEFAULTS as MIGRATION_LOCK } from '../../src/jobs/migration-lock/with-migration-lock.js';
import { DEFAULTS as WAIT } from '../../src/jobs/wait/wait-for.js';
import { DEFAULTS as PROMETHEUS } from '../../src/metrics/prometheus.js';
import { docFiles } from '../_helpers/docs.js';

const FILES = docFiles();

/** The option blocks: a ```ts block that is exactly `const probes = createProbes({ … });`. */
const CREATE_PROBES_BLOCKS = FILES.flatMap(({ file, text }) =>
  [...text.matchAll(/^```ts\nconst probes = createProbes\(\{\n([\s\S]*?)\n\}\);\n```$/gm)].map((match) => ({ file, body: match[1]! })),
);

/** The options tables of gracefulShutdown: `| option | default | meaning |` tables with a `hookTimeoutMs` row. */
const SHUTDOWN_TABLES = FILES.flatMap(({ file, text }) =>
  [...text.matchAll(/^\| option \| default \| meaning \|\n(?:\|.*\n?)*/gm)].map((match) => ({ file, body: match[0] })).filter(({ body }) => body.includes('| `hookTimeoutMs` |')),
);

/** The value of `key: value,` in a `createProbes({ … })` block. */
function createProbesDefault(body: string, key: string): string | undefined {
  return new RegExp(`^\\s*${key}: ([^,]+),`, 'm').exec(body)?.[1];
}

/** The default column of `| \`key\` | default | … |` in a gracefulShutdown options table. */
function shutdownDefault(table: string, key: string): string | undefined {
  return new RegExp(`^\\| \`${key}\` \\| ([^|]+) \\|`, 'm').exec(table)?.[1]?.trim();
}

/** The text of `file` (README.md or a page below docs/). */
function page(file: string): string {
  const found = FILES.find((doc) => doc.file === file);
  assert.ok(found, `${file} exists`);
  return found.text;
}

/** The ```ts block of `page` whose first line starts with `start` (a function's signature). */
function signature(text: string, start: string): string {
  const block = [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!).find((code) => code.startsWith(start));
  assert.ok(block, `a signature block starting ${start}`);
  return block;
}

/** The default a signature block states for `key`: `key?: type; // 180_000; …` → `180_000`. */
function signatureDefault(block: string, key: string): string | undefined {
  return new RegExp(`^\\s*${key}\\?: [^;]+;\\s*// ([^;,:\\s]+)`, 'm').exec(block)?.[1];
}

/** A number as the docs write it (`180_000`, `Infinity`). */
function numberOf(text: string | undefined): number {
  return Number(text?.replaceAll('_', ''));
}

/** Every `[file, value]` that `read` finds for `key`; at least one, or the default is stated nowhere. */
function stated(found: readonly { file: string; body: string }[], key: string, read: (body: string, key: string) => string | undefined): [string, string][] {
  const values = found.flatMap(({ file, body }) => {
    const value = read(body, key);
    return value === undefined ? [] : [[file, value] as [string, string]];
  });
  assert.ok(values.length > 0, `no page states the default of ${key}`);
  return values;
}

describe('defaults stated in README.md and docs/', () => {
  it('state the createProbes defaults of DEFAULTS', () => {
    for (const key of ['timeoutMs', 'cacheMs', 'intervalMs', 'basePath', 'manualReady', 'details', 'logger'] as const) {
      for (const [file, value] of stated(CREATE_PROBES_BLOCKS, key, createProbesDefault)) {
        assert.equal(value, JSON.stringify(PROBES[key]).replaceAll('"', "'"), `${file}: ${key}`);
      }
    }
  });

  it('state the gracefulShutdown defaults of DEFAULTS', () => {
    for (const key of ['delayMs', 'timeoutMs', 'hookTimeoutMs', 'gracePeriodMs'] as const) {
      for (const [file, value] of stated(SHUTDOWN_TABLES, key, shutdownDefault)) assert.equal(Number(value), SHUTDOWN[key], `${file}: ${key}`);
    }
    for (const [file, value] of stated(SHUTDOWN_TABLES, 'signals', shutdownDefault)) {
      assert.equal(value, `\`${JSON.stringify(SHUTDOWN.signals).replaceAll('"', "'").replace(',', ', ')}\``, `${file}: signals`);
    }
  });

  it('state the background interval and the metrics prefix of DEFAULTS in the options table of docs/observability.md', () => {
    const observability = page('docs/observability.md');
    const row = /^\| `createProbes` \| `intervalMs` \| `([^`]+)` \|/m.exec(observability);
    assert.equal(numberOf(row?.[1]), PROBES.intervalMs);
    const prometheus = /^\| `shipshape\/prometheus` \| `prometheusMetrics\([^`]*\)` \| [^|]*`'([^`']*)'` \|/m.exec(observability);
    assert.equal(prometheus?.[1], PROMETHEUS.prefix, 'prometheusMetrics prefix');
  });

  it('state the defaults of the jobs in docs/jobs.md', () => {
    const jobs = page('docs/jobs.md');
    const waitFor = signature(jobs, 'waitFor(');
    for (const key of ['timeoutMs', 'stableMs', 'intervalMs'] as const) assert.equal(numberOf(signatureDefault(waitFor, key)), WAIT[key], `waitFor ${key}`);
    const lock = signature(jobs, 'withMigrationLock');
    assert.equal(numberOf(signatureDefault(lock, 'lockId')), Number(MIGRATION_LOCK.lockId), 'withMigrationLock lockId');
    assert.equal(numberOf(signatureDefault(lock, 'timeoutMs')), MIGRATION_LOCK.timeoutMs, 'withMigrationLock timeoutMs');
    assert.equal(numberOf(/^\| `timeoutMs` \| `([^`]+)` \|/m.exec(jobs)?.[1]), ENSURE_ADMIN.timeoutMs, 'ensureAdmin timeoutMs');
    const fields = /^\| `usernameField`, `emailField`, `passwordField` \| `([^`]+)`, `([^`]+)`, `([^`]+)` \|/m.exec(jobs);
    assert.deepEqual(fields?.slice(1), [ENSURE_ADMIN.usernameField, ENSURE_ADMIN.emailField, ENSURE_ADMIN.passwordField], 'ensureAdmin fields');
    assert.equal(/^\| `updatePassword` \| `([^`]+)` \|/m.exec(jobs)?.[1], String(ENSURE_ADMIN.updatePassword), 'ensureAdmin updatePassword');
    assert.equal(/^\| `validate` \| `([^`]+)` \|/m.exec(jobs)?.[1], String(ENSURE_ADMIN.validate), 'ensureAdmin validate');
  });

  it('find what they read (the check can fail)', () => {
    const wrong = [{ file: 'x.md', body: '  timeoutMs: 901,' }];
    assert.deepEqual(stated(wrong, 'timeoutMs', createProbesDefault), [['x.md', '901']]);
    assert.notEqual('901', JSON.stringify(PROBES.timeoutMs));
    assert.throws(() => stated(wrong, 'cacheMs', createProbesDefault), /no page states the default of cacheMs/);
    const block = 'waitFor(targets, options?: {\n  timeoutMs?: number;   // 180_001; Infinity: wait forever\n  lockId?: bigint | number; // 1000, as --lock-id\n';
    assert.equal(numberOf(signatureDefault(block, 'timeoutMs')), 180_001);
    assert.notEqual(180_001, WAIT.timeoutMs);
    assert.equal(numberOf(signatureDefault(block, 'lockId')), 1000);
    assert.ok(Number.isNaN(numberOf(signatureDefault(block, 'stableMs'))), 'a default stated nowhere reads as NaN, never as a match');
  });
});
