/**
 * Builds dist/ the way `npm run build` does (scripts/build.mjs: declarations by tsc, code by
 * esbuild), for tests that run the package as users get it: examples/, the binary.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs the build and checks that it emitted each of `files` (paths below dist/). */
export function buildPackage(files: readonly string[]): void {
  const started = Date.now();
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  for (const file of files) {
    const emitted = path.join(ROOT, 'dist', file);
    assert.ok(existsSync(emitted) && statSync(emitted).mtimeMs >= started - 1000, `the build did not emit dist/${file}:\n${build.stdout}${build.stderr}`);
  }
}
