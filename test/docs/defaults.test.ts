/**
 * The README states default values for readers; the code has them once, in each module's
 * `DEFAULTS`. This test keeps the two from drifting apart (lightship's lesson).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULTS as PROBES } from '../../src/core/probes.js';
import { DEFAULTS as SHUTDOWN } from '../../src/core/shutdown/options.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The value of `key: value,` in the README's `createProbes({ … })` block. */
function createProbesDefault(key: string): string | undefined {
  const block = /```ts\nconst probes = createProbes\(\{\n([\s\S]*?)\n\}\);\n```/.exec(README)?.[1] ?? '';
  return new RegExp(`^\\s*${key}: ([^,]+),`, 'm').exec(block)?.[1];
}

/** The default column of `| \`key\` | default | … |` in the gracefulShutdown options table. */
function shutdownDefault(key: string): string | undefined {
  const table = README.slice(README.indexOf('| option | default | meaning |', README.indexOf('## Graceful shutdown')));
  return new RegExp(`^\\| \`${key}\` \\| ([^|]+) \\|`, 'm').exec(table)?.[1]?.trim();
}

describe('README defaults', () => {
  it('states the createProbes defaults of DEFAULTS', () => {
    for (const key of ['timeoutMs', 'cacheMs', 'basePath', 'manualReady', 'details', 'logger'] as const) {
      assert.equal(createProbesDefault(key), JSON.stringify(PROBES[key]).replaceAll('"', "'"), key);
    }
  });

  it('states the gracefulShutdown defaults of DEFAULTS', () => {
    for (const key of ['delayMs', 'timeoutMs', 'hookTimeoutMs', 'gracePeriodMs'] as const) {
      assert.equal(Number(shutdownDefault(key)), SHUTDOWN[key], key);
    }
    assert.equal(shutdownDefault('signals'), `\`${JSON.stringify(SHUTDOWN.signals).replaceAll('"', "'").replace(',', ', ')}\``);
  });
});
