/**
 * The `shipshape/jobs` entry as users get it (dist/, bundled by scripts/build.mjs): what
 * importing it loads (never the YAML parser, a hashing library or a database driver: those
 * come with the call that needs them), and its four functions working from there.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { buildPackage, ROOT } from '../_helpers/build.js';

/** The files of dist/ that `file` reaches through static imports, and the packages they import. */
function staticClosure(file: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (current: string): void => {
    if (files.has(current)) return;
    files.add(current);
    for (const [, spec] of readFileSync(current, 'utf8').matchAll(/^\s*import\s[^'"]*?['"]([^'"]+)['"]/gm)) {
      if (spec!.startsWith('.')) visit(path.resolve(path.dirname(current), spec!));
      else packages.add(spec!);
    }
  };
  visit(file);
  return { files, packages };
}

describe('shipshape/jobs from the built package', () => {
  before(() => buildPackage(['jobs/index.js', 'jobs/index.d.ts']));

  it('loads no YAML parser, hashing library or driver at import, only node: built-ins', () => {
    const { files, packages } = staticClosure(path.join(ROOT, 'dist/jobs/index.js'));
    assert.deepEqual([...packages].filter((name) => !name.startsWith('node:')), [], 'no package is imported statically');
    const names = [...files].map((file) => path.basename(file));
    for (const lazy of ['argon2id-', 'bcrypt-', 'scrypt-', 'pg-', 'mysql-', 'sqlite-']) {
      assert.ok(!names.some((name) => name.startsWith(lazy)), `${lazy}* is loaded only when used: ${names.join(', ')}`);
    }
    assert.ok(existsSync(path.join(ROOT, 'dist/cli/common-passwords.txt.gz')), 'the common-password list ships');
  });

  it('runs waitFor, withMigrationLock, ensureAdmin and checkManifests from dist/', () => {
    const script = `import net from 'node:net';
import { checkManifests, ensureAdmin, waitFor, withMigrationLock, WaitTimeoutError, WeakPasswordError } from 'shipshape/jobs';
const server = net.createServer((socket) => socket.end()).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const target = 'tcp://127.0.0.1:' + server.address().port;
await waitFor([target], { stableMs: 100, intervalMs: 50, timeoutMs: 10000 });
await new Promise((resolve) => server.close(resolve));
const timeout = await waitFor([target], { stableMs: 100, intervalMs: 50, timeoutMs: 300 }).catch((e) => e);
const users = new Map();
const hooks = { find: (name) => users.get(name), create: (user) => users.set(user.username, user) };
const weak = await ensureAdmin({ username: 'admin', password: 'Sunshine1', hooks }).catch((e) => e);
const created = await ensureAdmin({ username: 'admin', password: 'xk8#mQ2!vL9@pR4z', hooks });
const findings = await checkManifests('kind: Pod\\nmetadata: {name: p}\\nspec:\\n  containers:\\n    - name: app\\n      livenessProbe: {httpGet: {path: /readyz, port: 3000}}\\n');
const locked = await withMigrationLock('sqlite:///x.db', () => 1).catch((e) => e.code);
console.log(JSON.stringify({ timeout: timeout instanceof WaitTimeoutError, weak: weak instanceof WeakPasswordError && weak.reasons, created, rules: findings.map((f) => f.rule), locked }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      timeout: true,
      weak: ['it is too common'],
      created: { created: true, updated: false },
      rules: ['liveness-checks-dependencies'],
      locked: 'SHIPSHAPE_INVALID_OPTION',
    });
  });
});
