/**
 * `ensureadmin` as users get it: the built package (dist/, bundled by scripts/build.mjs) in
 * a directory whose node_modules lacks the hashing libraries, then has only bcryptjs. The
 * common-password list must have been shipped into dist/, and a missing library must be
 * named, exit 2.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { buildPackage, ROOT } from '../_helpers/build.js';
import { GOOD_PASSWORD, uniqueTable } from '../_helpers/ensureadmin.js';
import { passlibVerifies, requirePython } from '../_helpers/python.js';
import { POSTGRES_URL, requireService } from '../_helpers/services.js';

const HASHING_LIBRARIES = ['argon2', 'bcrypt', 'bcryptjs'];

describe('shipshape ensureadmin from the built package', () => {
  let dir = '';
  before(() => {
    buildPackage(['cli/main.js', 'cli/common-passwords.txt.gz', 'cli/common-passwords.LICENSE']);
    dir = mkdtempSync(path.join(tmpdir(), 'shipshape-package-'));
    cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
    cpSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    mkdirSync(path.join(dir, 'node_modules'));
    for (const name of readdirSync(path.join(ROOT, 'node_modules'))) {
      if (!HASHING_LIBRARIES.includes(name)) symlinkSync(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name));
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[], env: Record<string, string> = {}) => {
    const result = spawnSync(process.execPath, [path.join(dir, 'dist/cli/main.js'), 'ensureadmin', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ADMIN_PASSWORD: GOOD_PASSWORD, ...env },
      timeout: 60_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('exits 2 naming the package to install when no argon2 or bcrypt library is there, before connecting', () => {
    const url = 'postgres://127.0.0.1:1/none';
    const argon2 = run(['--table', 'users', '--hasher', 'argon2id', '-d', url, '-u', 'admin']);
    assert.equal(argon2.status, 2);
    assert.equal(argon2.stderr, 'shipshape ensureadmin: the package "argon2" is not installed: run `npm install argon2`\n');
    const bcrypt = run(['--table', 'users', '--hasher', 'bcrypt', '-d', url, '-u', 'admin']);
    assert.equal(bcrypt.status, 2);
    assert.equal(bcrypt.stderr, 'shipshape ensureadmin: neither "bcrypt" nor "bcryptjs" is installed: run `npm install bcrypt` (native) or `npm install bcryptjs` (pure JavaScript)\n');
  });

  it('exits 2 naming the database driver when it is missing', () => {
    const pgLink = path.join(dir, 'node_modules', 'pg');
    unlinkSync(pgLink);
    try {
      const result = run(['--table', 'users', '--hasher', 'scrypt', '-d', 'postgres://127.0.0.1:1/none', '-u', 'admin']);
      assert.equal(result.status, 2, result.stderr);
      assert.equal(result.stderr, 'shipshape ensureadmin: the package "pg" is not installed: run `npm install pg`\n');
    } finally {
      symlinkSync(path.join(ROOT, 'node_modules', 'pg'), pgLink);
    }
  });

  it("reads the common-password list shipped in dist/, and Django's licence for it is there", () => {
    assert.ok(existsSync(path.join(dir, 'dist/cli/common-passwords.LICENSE')));
    writeFileSync(path.join(dir, 'shipshape.config.mjs'), 'export default { admin: { find: () => null, create: () => {} } };\n');
    const result = run(['-u', 'admin'], { ADMIN_PASSWORD: 'Sunshine1' });
    assert.equal(result.status, 1, result.stderr);
    assert.equal(result.stderr, 'shipshape ensureadmin: password rejected: it is too common\n');
    assert.equal(run(['-u', 'admin']).stdout, 'admin user created\n');
  });

  it('hashes with bcryptjs when it is the only bcrypt library, in a string passlib verifies', async (t) => {
    if (!(await requireService(t, 'postgresql', 5432))) return;
    symlinkSync(path.join(ROOT, 'node_modules', 'bcryptjs'), path.join(dir, 'node_modules', 'bcryptjs'));
    const table = uniqueTable();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(`CREATE TABLE ${table} (username text PRIMARY KEY, email text, password_hash text NOT NULL)`);
      const result = run(['--table', table, '--hasher', 'bcrypt', '-d', POSTGRES_URL, '-u', 'admin']);
      assert.equal(result.status, 0, result.stderr);
      const { rows } = await client.query<{ password_hash: string }>(`SELECT password_hash FROM ${table}`);
      assert.match(rows[0]!.password_hash, /^\$2b\$12\$/);
      if (!requirePython(t, ['passlib', 'bcrypt'])) return;
      assert.equal(passlibVerifies('bcrypt', GOOD_PASSWORD, rows[0]!.password_hash), true);
    } finally {
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      await client.end();
    }
  });
});
