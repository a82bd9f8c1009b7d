import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryHeap, memoryRss } from '../../src/checks/memory.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { runCheck } from '../_helpers/run-check.js';

const CHECKS = [
  ['memoryHeap', memoryHeap, 'heap'],
  ['memoryRss', memoryRss, 'rss'],
] as const;

for (const [name, check, word] of CHECKS) {
  test(`${name} passes below the ceiling and reports the bytes used`, async () => {
    const outcome = await runCheck(check({ maxBytes: 64 * 1024 ** 3 }));
    assert.equal(outcome.ok, true, outcome.reason);
    const value = outcome.value as { observedValue: number; observedUnit: string };
    assert.equal(value.observedUnit, 'bytes');
    assert.ok(value.observedValue > 1024 ** 2 && value.observedValue < 64 * 1024 ** 3);
  });

  test(`${name} fails above the ceiling, saying used vs ceiling`, async () => {
    const outcome = await runCheck(check({ maxBytes: 1024 }));
    assert.equal(outcome.ok, false);
    assert.match(outcome.reason ?? '', new RegExp(`^${word} [\\d.]+ MiB, ceiling 1 KiB$`));
  });

  test(`${name} rejects a missing or bad maxBytes at construction`, () => {
    assert.throws(() => check(undefined as never), InvalidOptionError);
    assert.throws(() => check({} as never), new RegExp(`\`maxBytes\` of \`${name}\` to be a positive number of bytes, got \`undefined\``));
    assert.throws(() => check({ maxBytes: 0 }), /got `0`/);
    assert.throws(() => check({ maxBytes: 1, max: 2 } as never), /Unknown option `max`/);
  });
}
