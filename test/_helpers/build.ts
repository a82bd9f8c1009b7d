/**
 * Builds dist/ the way `npm run build` does (scripts/build.mjs: declarations by tsc, code by
 * esbuild), for tests that run the package as users get it: examples/, the binary, Bun and
 * Deno. The build takes seconds and a dozen test files need it, so it runs once for a given
 * source: the fingerprint of what it is built from (src/, the build script and its config,
 * the locked dependencies) is kept in .tmp/build-fingerprint, and a test file finding the
 * same fingerprint and dist/ no newer than it (no other build since) builds nothing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Builds the package unless it is built from the current source, and checks that dist/ has each of `files` (paths below dist/). */
export function buildPackage(files: readonly string[]): void {
  const fingerprint = sourceFingerprint();
  if (builtFrom(fingerprint, files)) return;
  rmSync(FINGERPRINT, { force: true });
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(build.status, 0, `the build failed:\n${build.stdout}${build.stderr}`);
  for (const file of files) assert.ok(existsSync(path.join(ROOT, 'dist', file)), `the build did not emit dist/${file}:\n${build.stdout}${build.stderr}`);
  mkdirSync(path.dirname(FINGERPRINT), { recursive: true });
  writeFileSync(FINGERPRINT, fingerprint);
}

// --- internal ---

const FINGERPRINT = path.join(ROOT, '.tmp/build-fingerprint');
const BUILD_INPUTS = ['scripts/build.mjs', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

/** A hash of every file the build reads: src/ and BUILD_INPUTS, names and contents. */
function sourceFingerprint(): string {
  const hash = createHash('sha256');
  const sources = readdirSync(path.join(ROOT, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
  for (const file of [...sources.sort(), ...BUILD_INPUTS]) {
    hash.update(`${file}\0`);
    if (existsSync(path.join(ROOT, file))) hash.update(readFileSync(path.join(ROOT, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Whether dist/ has `files`, built from the source of `fingerprint` and not rebuilt since (by `npm run build` of other sources). */
function builtFrom(fingerprint: string, files: readonly string[]): boolean {
  if (!existsSync(FINGERPRINT) || readFileSync(FINGERPRINT, 'utf8') !== fingerprint) return false;
  const recorded = statSync(FINGERPRINT).mtimeMs;
  return files.every((file) => {
    const emitted = path.join(ROOT, 'dist', file);
    return existsSync(emitted) && statSync(emitted).mtimeMs <= recorded;
  });
}
