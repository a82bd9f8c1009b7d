/**
 * Debian's Python 3 as an independent verifier: passlib (and argon2-cffi, bcrypt) checks
 * every hash `ensureadmin` writes, and Django itself logs the preset's admin in. Like a
 * service, a missing Python module skips the test loudly locally and fails it in CI
 * (`.ci/run` installs python3-passlib python3-argon2 python3-bcrypt python3-django
 * python3-psycopg2).
 */
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { servicesRequired } from './services.js';

export const PYTHON = '/usr/bin/python3';

/** Returns true when `/usr/bin/python3` imports every module; otherwise skips (or throws in CI). */
export function requirePython(t: TestContext, modules: readonly string[]): boolean {
  const run = spawnSync(PYTHON, ['-c', modules.map((name) => `import ${name}`).join('; ')], { encoding: 'utf8' });
  if (run.status === 0) return true;
  const message = `${PYTHON} cannot import ${modules.join(', ')}`;
  if (servicesRequired) throw new Error(`${message} (required in CI): ${run.stderr ?? run.error}`);
  console.warn(`\n!!! SKIPPED: ${message} — apt-get install python3-passlib python3-argon2 python3-bcrypt python3-django python3-psycopg2\n`);
  t.skip(message);
  return false;
}

/** Runs a Python script; secrets go in `env`, never in the arguments. */
export function python(script: string, env: Record<string, string> = {}, cwd?: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', env: { ...process.env, ...env }, cwd, timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** passlib's verdict on `hash` for `password`, with the handler `scheme` (`argon2`, `bcrypt`, `scrypt`, `django_pbkdf2_sha256`). */
export function passlibVerifies(scheme: string, password: string, hash: string): boolean {
  const run = python(
    `import os\nfrom passlib import hash as h\nprint(getattr(h, os.environ['SCHEME']).verify(os.environ['PASSWORD'], os.environ['HASH']))`,
    { SCHEME: scheme, PASSWORD: password, HASH: hash },
  );
  if (run.status !== 0) throw new Error(`passlib failed: ${run.stderr}`);
  return run.stdout.trim() === 'True';
}
