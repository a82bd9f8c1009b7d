import assert from 'node:assert/strict';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { diskSpace } from '../../src/checks/disk-space.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { runCheck } from '../_helpers/run-check.js';

const path = tmpdir();

test('passes above the floor and reports the free bytes', async () => {
  const outcome = await runCheck(diskSpace({ path, minFreeBytes: 1 }));
  assert.equal(outcome.ok, true, outcome.reason);
  const stats = await statfs(path);
  const value = outcome.value as { observedValue: number; observedUnit: string };
  assert.equal(value.observedUnit, 'bytes');
  // Other processes write too: the same order of magnitude, not the same byte.
  assert.ok(Math.abs(value.observedValue - stats.bavail * stats.bsize) < 1024 ** 3);
});

test('fails below an impossible floor, saying free vs required', async () => {
  const outcome = await runCheck(diskSpace({ path, minFreeBytes: 1024 ** 6 }));
  assert.equal(outcome.ok, false);
  assert.match(outcome.reason ?? '', new RegExp(`^[\\d.]+ [KMGTP]?i?B free on ${path}, 1 EiB required$`));
});

test('fails above the used ratio, saying used vs allowed', async () => {
  const outcome = await runCheck(diskSpace({ path, maxUsedRatio: 0 }));
  assert.equal(outcome.ok, false);
  assert.match(outcome.reason ?? '', new RegExp(`^${path} is [\\d.]+% full, at most 0% allowed$`));
  assert.equal((await runCheck(diskSpace({ path, maxUsedRatio: 1 }))).ok, true);
});

test('fails with the error of a path that does not exist', async () => {
  const outcome = await runCheck(diskSpace({ path: '/no/such/dir-shipshape', minFreeBytes: 1 }));
  assert.match(outcome.reason ?? '', /ENOENT/);
});

test('rejects bad options at construction, naming them', () => {
  assert.throws(() => diskSpace(undefined as never), InvalidOptionError);
  assert.throws(() => diskSpace({ path: '' , minFreeBytes: 1 }), /Expected `path` to be a non-empty string, got `""`/);
  assert.throws(() => diskSpace({ path }), /`minFreeBytes` or `maxUsedRatio`/);
  assert.throws(() => diskSpace({ path, minFreeBytes: -1 }), /`minFreeBytes` to be a number ≥ 0, got `-1`/);
  assert.throws(() => diskSpace({ path, maxUsedRatio: 90 }), /`maxUsedRatio` to be a number from 0 to 1, got `90`/);
  assert.throws(() => diskSpace({ path, minFree: 1 } as never), /Unknown option `minFree`/);
});
