/**
 * The documentation states default values for readers; the code has them once, in each
 * module's `DEFAULTS`. This test keeps the two from drifting apart (lightship's lesson),
 * wherever in README.md or docs/ a default is stated: every `createProbes({ … })` options block
 * and every gracefulShutdown options table, and at least one of each states every default.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULTS as PROBES } from '../../src/core/probes.js';
import { DEFAULTS as SHUTDOWN } from '../../src/core/shutdown/options.js';
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
    for (const key of ['timeoutMs', 'cacheMs', 'basePath', 'manualReady', 'details', 'logger'] as const) {
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

  it('find what they read (the check can fail)', () => {
    const wrong = [{ file: 'x.md', body: '  timeoutMs: 901,' }];
    assert.deepEqual(stated(wrong, 'timeoutMs', createProbesDefault), [['x.md', '901']]);
    assert.notEqual('901', JSON.stringify(PROBES.timeoutMs));
    assert.throws(() => stated(wrong, 'cacheMs', createProbesDefault), /no page states the default of cacheMs/);
  });
});
