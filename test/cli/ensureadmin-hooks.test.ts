/**
 * `ensureadmin` with the config file's `admin` hooks, through the real binary: create once,
 * leave an existing user alone, the password rules (only when storing), --no-validate,
 * --update-password, and a `create` that loses a race.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { shipshape } from '../_helpers/cli.js';
import { GOOD_PASSWORD, hooksProject, type HooksProject } from '../_helpers/ensureadmin.js';

describe('shipshape ensureadmin: config hooks', () => {
  const projects: HooksProject[] = [];
  after(() => projects.forEach((project) => project.cleanup()));
  const project = (options?: Parameters<typeof hooksProject>[0]): HooksProject => {
    const created = hooksProject(options);
    projects.push(created);
    return created;
  };
  const run = (app: HooksProject, args: string[], password = GOOD_PASSWORD) =>
    shipshape(['ensureadmin', '--config', app.config, '-u', 'admin', ...args], { env: { ADMIN_PASSWORD: password, ADMIN_USERNAME: undefined, ADMIN_EMAIL: undefined } });

  it('creates the user through create() with the password in clear, then leaves it alone, password included', async () => {
    const app = project();
    const first = await run(app, ['-e', 'admin@example.com']);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout, 'admin user created\n');
    const second = await run(app, [], 'another-Passw0rd!');
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout, 'admin user already exists\n');
    assert.deepEqual(app.users(), { admin: { username: 'admin', email: 'admin@example.com', password: GOOD_PASSWORD } });
    assert.deepEqual(app.calls(), ['find admin', 'create admin', 'find admin']);
  });

  for (const [rule, password, reason, extra] of [
    ['shorter than 8 characters', 'x8#mQ2', /it is too short: 6 characters, at least 8 are needed/, []],
    ['of digits only', '73920584617', /it is entirely numeric/, []],
    ['like the username', 'admin_42!', /it is too similar to the username/, []],
    ['like the email', 'grace.hopper!', /it is too similar to the email/, ['-e', 'grace.hopper@navy.mil']],
    ['from the common list', 'Sunshine1', /it is too common/, []],
  ] as const) {
    it(`exits 1 on a password ${rule}, with the reason and without the password, creating nothing`, async () => {
      const app = project();
      const result = await run(app, [...extra], password);
      assert.equal(result.status, 1);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^shipshape ensureadmin: password rejected: /);
      assert.match(result.stderr, reason);
      assert.ok(!result.stderr.includes(password), result.stderr);
      assert.deepEqual(app.users(), {});
    });
  }

  it('validates only a password about to be stored: an existing user with a weak one given is "already exists", exit 0', async () => {
    const app = project();
    app.seed({ username: 'admin', password: 'the app set this' });
    const result = await run(app, [], '123');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'admin user already exists\n');
  });

  it('stores a weak password with --no-validate', async () => {
    const app = project();
    const result = await run(app, ['--no-validate'], 'password');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(app.users().admin?.password, 'password');
  });

  it('sets the password of an existing user with --update-password (validated), and creates a missing one', async () => {
    const app = project();
    app.seed({ username: 'admin', password: 'old password here' });
    const weak = await run(app, ['--update-password'], 'qwertyuiop');
    assert.equal(weak.status, 1);
    assert.match(weak.stderr, /too common/);
    assert.equal(app.users().admin?.password, 'old password here');
    const updated = await run(app, ['--update-password']);
    assert.equal(updated.status, 0, updated.stderr);
    assert.equal(updated.stdout, 'admin user password updated\n');
    assert.equal(app.users().admin?.password, GOOD_PASSWORD);
    const fresh = project();
    const created = await run(fresh, ['--update-password']);
    assert.equal(created.stdout, 'admin user created\n');
  });

  it('exits 2 on --update-password when the config has no setPassword hook, before calling any hook', async () => {
    const app = project({ withoutSetPassword: true });
    const result = await run(app, ['--update-password']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--update-password needs `admin.setPassword`/);
    assert.deepEqual(app.calls(), []);
  });

  it('treats a create() that failed because a concurrent run created the user as "already exists"', async () => {
    const app = project({ failCreate: 'duplicate key value violates unique constraint "users_username_key"', writeBeforeFailing: true });
    const result = await run(app, []);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'admin user already exists\n');
    assert.deepEqual(app.calls(), ['find admin', 'create admin', 'find admin']);
  });

  it('exits 1 with the reason when create() fails and nobody created the user, redacting the password', async () => {
    const app = project({ failCreate: `insert failed for password=${GOOD_PASSWORD} and ${GOOD_PASSWORD}` });
    const result = await run(app, []);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^shipshape ensureadmin: insert failed for password=\*\*\* and \*\*\*\n$/);
  });

  it('exits 2 when there is no store: no --table, no --preset and no `admin` in the config; and on --database without a SQL store', async () => {
    const app = project();
    const bare = path.join(app.dir, 'bare.config.mjs');
    writeFileSync(bare, 'export default { database: "postgres://localhost/x" };\n');
    const none = await shipshape(['ensureadmin', '--config', bare, '-u', 'admin'], { env: { ADMIN_PASSWORD: GOOD_PASSWORD } });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no store: pass --table … --hasher …, or --preset django, or define `admin` in shipshape.config/);
    const database = await run(app, ['-d', 'postgres://127.0.0.1/test']);
    assert.equal(database.status, 2);
    assert.match(database.stderr, /--database needs --table or --preset django/);
  });
});
