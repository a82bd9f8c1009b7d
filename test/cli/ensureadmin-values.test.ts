/**
 * `ensureadmin`'s values through the real binary, into config hooks that keep users in a
 * file: flags, ADMIN_*, ADMIN_*_FILE (one trailing newline trimmed), both set, missing, the
 * -p warning.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from '../_helpers/build.js';
import { shipshape } from '../_helpers/cli.js';
import { GOOD_PASSWORD, hooksProject } from '../_helpers/ensureadmin.js';

const NO_ADMIN_ENV = Object.fromEntries(
  ['ADMIN', 'DJANGO_SUPERUSER'].flatMap((prefix) => ['USERNAME', 'PASSWORD', 'EMAIL'].flatMap((name) => [`${prefix}_${name}`, `${prefix}_${name}_FILE`])).map((name) => [name, undefined]),
);

describe('shipshape ensureadmin: values', () => {
  const projects: Array<ReturnType<typeof hooksProject>> = [];
  after(() => projects.forEach((project) => project.cleanup()));
  const project = (): ReturnType<typeof hooksProject> => {
    const created = hooksProject();
    projects.push(created);
    return created;
  };
  // tsx resolves from the working directory, so the runs stay in ROOT and name the config
  const run = (args: string[], env: Record<string, string | undefined>, app: { config: string }) =>
    shipshape(['ensureadmin', '--config', app.config, ...args], { env: { ...NO_ADMIN_ENV, ...env } });

  it('takes -u, -p and -e, warns on stderr that -p is visible to other processes, and never prints the password', async () => {
    const app = project();
    const result = await run(['-u', 'root', '-p', GOOD_PASSWORD, '-e', 'root@example.com'], {}, app);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'admin user created\n');
    assert.match(result.stderr, /^shipshape ensureadmin: warning: a password given with -p\/--password is visible to other processes/);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.ok(!`${result.stdout}${result.stderr}`.includes(GOOD_PASSWORD));
    assert.deepEqual(app.users(), { root: { username: 'root', email: 'root@example.com', password: GOOD_PASSWORD } });
  });

  it('takes ADMIN_USERNAME, ADMIN_PASSWORD and ADMIN_EMAIL without a warning; flags win over them', async () => {
    const app = project();
    const env = { ADMIN_USERNAME: 'envadmin', ADMIN_PASSWORD: GOOD_PASSWORD, ADMIN_EMAIL: 'env@example.com' };
    const fromEnv = await run([], env, app);
    assert.equal(fromEnv.status, 0, fromEnv.stderr);
    assert.equal(fromEnv.stderr, '');
    const fromFlags = await run(['--username', 'flagadmin', '--email', 'flag@example.com'], env, app);
    assert.equal(fromFlags.status, 0, fromFlags.stderr);
    assert.deepEqual(app.users(), {
      envadmin: { username: 'envadmin', email: 'env@example.com', password: GOOD_PASSWORD },
      flagadmin: { username: 'flagadmin', email: 'flag@example.com', password: GOOD_PASSWORD },
    });
  });

  it('reads ADMIN_*_FILE (a mounted Secret) relative to the working directory, trimming exactly one trailing newline', async () => {
    const app = project();
    writeFileSync(path.join(app.dir, 'username'), 'fileadmin\n');
    writeFileSync(path.join(app.dir, 'password'), `${GOOD_PASSWORD} \n\n`);
    writeFileSync(path.join(app.dir, 'email'), 'file@example.com\r\n');
    const relative = (name: string): string => path.relative(ROOT, path.join(app.dir, name));
    const result = await run([], { ADMIN_USERNAME_FILE: relative('username'), ADMIN_PASSWORD_FILE: path.join(app.dir, 'password'), ADMIN_EMAIL_FILE: relative('email') }, app);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(app.users().fileadmin, { username: 'fileadmin', email: 'file@example.com', password: `${GOOD_PASSWORD} \n` });
  });

  it('exits 2 naming both when a variable and its _FILE twin are set, before touching the store', async () => {
    const app = project();
    writeFileSync(path.join(app.dir, 'password'), GOOD_PASSWORD);
    const result = await run([], { ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: GOOD_PASSWORD, ADMIN_PASSWORD_FILE: path.join(app.dir, 'password') }, app);
    assert.equal(result.status, 2);
    assert.equal(result.stderr, 'shipshape ensureadmin: both ADMIN_PASSWORD and ADMIN_PASSWORD_FILE are set: set only one of them\n');
    assert.deepEqual(app.calls(), []);
  });

  it('exits 2 when a _FILE cannot be read, naming the variable and not any content', async () => {
    const app = project();
    const result = await run([], { ADMIN_USERNAME: 'admin', ADMIN_PASSWORD_FILE: '/nonexistent/secret' }, app);
    assert.equal(result.status, 2);
    assert.equal(result.stderr, 'shipshape ensureadmin: cannot read /nonexistent/secret (ENOENT), named by ADMIN_PASSWORD_FILE\n');
  });

  it('exits 2 naming the flags and variables when the username or the password is missing (an empty one counts as missing)', async () => {
    const app = project();
    const none = await run([], {}, app);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no admin username \(-u\/--username, or ADMIN_USERNAME or ADMIN_USERNAME_FILE\), and no password \(-p\/--password, or ADMIN_PASSWORD or ADMIN_PASSWORD_FILE\)/);
    const noPassword = await run(['-u', 'admin'], { ADMIN_PASSWORD: '' }, app);
    assert.equal(noPassword.status, 2);
    assert.match(noPassword.stderr, /no admin password \(-p\/--password, or ADMIN_PASSWORD or ADMIN_PASSWORD_FILE\)/);
    assert.doesNotMatch(noPassword.stderr, /username/);
    assert.deepEqual(app.calls(), []);
  });

  it('exits 2 on an email without @, and on a stray argument without echoing it', async () => {
    const app = project();
    const email = await run(['-e', 'not-an-email'], { ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: GOOD_PASSWORD }, app);
    assert.equal(email.status, 2);
    assert.match(email.stderr, /the email must look like name@domain/);
    const stray = await run(['-u', 'admin', GOOD_PASSWORD], {}, app);
    assert.equal(stray.status, 2);
    assert.ok(!stray.stderr.includes(GOOD_PASSWORD));
  });

  it('prints its usage with --help, naming every flag', async () => {
    const { FLAGS } = await import('../../src/cli/commands/ensureadmin.js');
    const help = await shipshape(['ensureadmin', '--help']);
    assert.equal(help.status, 0);
    for (const flag of Object.keys(FLAGS)) assert.ok(help.stdout.includes(`--${flag}`), flag);
  });
});
