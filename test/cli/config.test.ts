/**
 * src/cli/_config.ts through the real binary: `shipshape.config.{ts,mts,js,mjs,cjs}` found in
 * the working directory, `--config` and `$SHIPSHAPE_CONFIG`, each format loaded, and every
 * way a config can be broken → exit 2 with one line naming the file and the problem. The
 * `.ts` loader: jiti on a Node without type stripping (this one, in src/ through tsx and in
 * the built package without it), and the message when jiti is not installed.
 *
 * `shipshape probe --ready --verbose` is the command that shows what was loaded: its listing
 * names the config's checks.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CONFIG_FILES, loadConfig } from '../../src/cli/_config.js';
import { buildPackage, ROOT } from '../_helpers/build.js';
import { memoryIO, shipshape } from '../_helpers/cli.js';

const INDEX = pathToFileURL(path.join(ROOT, 'src/index.ts')).href;
const hasTypeStripping = Boolean((process.features as { typescript?: unknown }).typescript);

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory holding `files` (name → source). */
function project(files: Record<string, string>, parent = tmpdir()): string {
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(path.join(parent, `ss-config-${process.pid}-`));
  dirs.push(dir);
  for (const [name, source] of Object.entries(files)) writeFileSync(path.join(dir, name), source);
  return dir;
}

/** A config module (ESM) whose readiness has one passing check named `name`. */
const esm = (name: string): string => `export default { probes: { readiness: { ${JSON.stringify(name)}: async () => {} } } };\n`;

/** Runs `probe --ready --verbose` (plus `args`) in `cwd` and expects exit 2 with one line matching `message`. */
async function brokenConfig(cwd: string, message: RegExp, args: string[] = [], env: Record<string, string> = {}): Promise<string> {
  const run = await shipshape(['probe', '--ready', ...args], { cwd, env });
  assert.equal(run.status, 2, run.stderr);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr.split('\n').length, 2, `one line: ${run.stderr}`);
  assert.match(run.stderr, /^shipshape probe: /);
  assert.match(run.stderr, message);
  return run.stderr;
}

describe('config file: formats and where it is found', () => {
  it('loads shipshape.config.mjs from the working directory', async () => {
    const run = await shipshape(['probe', '--ready', '--verbose'], { cwd: project({ 'shipshape.config.mjs': esm('from-mjs') }) });
    assert.equal(run.stderr, '');
    assert.equal(run.stdout, '[+]from-mjs ok\nreadyz check passed\n');
    assert.equal(run.status, 0);
  });

  it('loads shipshape.config.cjs (module.exports)', async () => {
    const cwd = project({ 'shipshape.config.cjs': "module.exports = { probes: { readiness: { 'from-cjs': async () => {} } } };\n" });
    const run = await shipshape(['probe', '--ready', '--verbose'], { cwd });
    assert.equal(run.stdout, '[+]from-cjs ok\nreadyz check passed\n');
    assert.equal(run.status, 0);
  });

  it('loads shipshape.config.js in a "type": "module" directory', async () => {
    const cwd = project({ 'package.json': '{ "type": "module" }\n', 'shipshape.config.js': esm('from-js') });
    const run = await shipshape(['probe', '--ready', '--verbose'], { cwd });
    assert.equal(run.stdout, '[+]from-js ok\nreadyz check passed\n');
  });

  it('loads a TypeScript config that imports shipshape (defineConfig, a check) and uses types', async () => {
    const source = `import { defineConfig, type ShipshapeConfig, NotReady } from ${JSON.stringify(INDEX)};
const timeoutMs: number = 500;
const config: ShipshapeConfig = defineConfig({
  probes: {
    timeoutMs,
    readiness: { 'from-ts': async (): Promise<void> => {}, typed: async (signal: AbortSignal): Promise<void> => { if (signal.aborted) throw new NotReady('aborted'); } },
  },
});
export default config;
`;
    for (const name of ['shipshape.config.ts', 'shipshape.config.mts']) {
      const run = await shipshape(['probe', '--ready', '--verbose'], { cwd: project({ [name]: source }) });
      assert.equal(run.stderr, '', name);
      assert.equal(run.stdout, '[+]from-ts ok\n[+]typed ok\nreadyz check passed\n', name);
      assert.equal(run.status, 0);
    }
  });

  it('takes the first of ts, mts, js, mjs, cjs when several are there', async () => {
    assert.deepEqual(CONFIG_FILES, ['shipshape.config.ts', 'shipshape.config.mts', 'shipshape.config.js', 'shipshape.config.mjs', 'shipshape.config.cjs']);
    const cwd = project({ 'shipshape.config.mjs': esm('mjs'), 'shipshape.config.cjs': 'module.exports = { probes: { readiness: { cjs: () => {} } } };', 'shipshape.config.mts': 'export default { probes: { readiness: { mts: (): void => {} } } };' });
    const run = await shipshape(['probe', '--ready', '--verbose'], { cwd });
    assert.equal(run.stdout, '[+]mts ok\nreadyz check passed\n');
  });

  it('--config FILE wins over $SHIPSHAPE_CONFIG, which wins over the working directory', async () => {
    const cwd = project({ 'shipshape.config.mjs': esm('cwd'), 'env.mjs': esm('env'), 'flag.mjs': esm('flag') });
    const fromEnv = await shipshape(['probe', '--ready', '--verbose'], { cwd, env: { SHIPSHAPE_CONFIG: 'env.mjs' } });
    assert.equal(fromEnv.stdout, '[+]env ok\nreadyz check passed\n');
    const fromFlag = await shipshape(['probe', '--ready', '--verbose', '--config', path.join(cwd, 'flag.mjs')], { cwd, env: { SHIPSHAPE_CONFIG: 'env.mjs' } });
    assert.equal(fromFlag.stdout, '[+]flag ok\nreadyz check passed\n');
  });

  it('a config without `probes` leaves readiness to the environment', async () => {
    const cwd = project({ 'shipshape.config.mjs': "export default { database: 'postgres://127.0.0.1:1/x' };\n" });
    const run = await shipshape(['probe', '--ready', '--verbose'], { cwd, env: { MEMCACHED_SERVERS: '127.0.0.1:11211' } });
    assert.match(run.stdout, /^\[[+-]\]memcached /m);
  });
});

describe('config file: broken ones exit 2 naming the file and the problem', () => {
  it('a syntax error', async () => {
    await brokenConfig(project({ 'shipshape.config.mjs': 'export default { probes: { ;\n' }), /^shipshape probe: shipshape\.config\.mjs: cannot load it: .*(Unexpected token|SyntaxError)/);
  });

  it('a config that throws while loading, with any credentials in the message redacted', async () => {
    const cwd = project({ 'shipshape.config.mjs': "throw new Error('no route to postgres://app:hunter2@db:5432/app');\n" });
    const stderr = await brokenConfig(cwd, /^shipshape probe: shipshape\.config\.mjs: cannot load it: no route to postgres:\/\/\*\*\*@db:5432\/app$/m);
    assert.doesNotMatch(stderr, /hunter2/);
  });

  it('no default export', async () => {
    await brokenConfig(project({ 'shipshape.config.mjs': 'export const probes = {};\n' }), /shipshape\.config\.mjs: no default export \(write `export default defineConfig\(\{ … \}\)`\)/);
  });

  it('a default export that is not an object', async () => {
    await brokenConfig(project({ 'shipshape.config.mjs': 'export default 42;\n' }), /shipshape\.config\.mjs: the default export must be an object \(defineConfig\(\{ … \}\)\), got `42`/);
  });

  it('an unknown key, listing the known ones', async () => {
    await brokenConfig(project({ 'shipshape.config.mjs': 'export default { probe: {} };\n' }), /shipshape\.config\.mjs: unknown key `probe`: expected one of `database`, `probes`, `socket`, `shutdown`, `admin`/);
  });

  it('a value of the wrong type', async () => {
    await brokenConfig(project({ 'shipshape.config.mjs': 'export default { socket: 5 };\n' }), /shipshape\.config\.mjs: `socket` must be a non-empty string, got `5`/);
    await brokenConfig(project({ 'shipshape.config.mjs': "export default { probes: 'db' };\n" }), /shipshape\.config\.mjs: `probes` must be an object, got `"db"`/);
    await brokenConfig(project({ 'shipshape.config.cjs': 'module.exports = { admin: { find() {} } };\n' }), /shipshape\.config\.cjs: `admin\.create` must be a function, got `undefined`/);
  });

  it('`probes` that createProbes refuses (an unknown option, a bad check)', async () => {
    await brokenConfig(project({ 'shipshape.config.mjs': 'export default { probes: { readyness: {} } };\n' }), /shipshape\.config\.mjs: `probes`: Unknown option `readyness`: expected one of `liveness`, `readiness`/);
    await brokenConfig(project({ 'shipshape.config.mjs': 'export default { probes: { readiness: { db: 42 } } };\n' }), /shipshape\.config\.mjs: `probes`: Expected `readiness\.db` to be a check/);
  });

  it('a TypeScript config with a type error in its syntax', async () => {
    await brokenConfig(project({ 'shipshape.config.ts': 'export default { probes: { readiness: { db: (: number) => {} } } };\n' }), /^shipshape probe: shipshape\.config\.ts: cannot load it: /);
  });

  it('--config naming a file that is not there, and $SHIPSHAPE_CONFIG naming one', async () => {
    const cwd = project({});
    await brokenConfig(cwd, /^shipshape probe: nope\.mjs: config file not found\n$/, ['--config', 'nope.mjs']);
    await brokenConfig(cwd, /^shipshape probe: gone\.mjs: config file not found \(from \$SHIPSHAPE_CONFIG\)\n$/, [], { SHIPSHAPE_CONFIG: 'gone.mjs' });
  });

  it('loadConfig names the file relative to the working directory, and returns an empty config without one', async () => {
    const cwd = project({ 'shipshape.config.mjs': 'export default { socket: "/run/app/probes.sock" };\n' });
    assert.deepEqual(await loadConfig(memoryIO({ cwd })), { file: 'shipshape.config.mjs', config: { socket: '/run/app/probes.sock' } });
    assert.deepEqual(await loadConfig(memoryIO({ cwd: project({}) })), { file: undefined, config: {} });
  });
});

describe('config file: the TypeScript loader in the built package', () => {
  before(() => buildPackage(['cli/main.js', 'index.js']));

  /** Runs the built binary (no tsx) in `cwd`. */
  const built = (args: string[], cwd: string, bin = path.join(ROOT, 'dist/cli/main.js')) =>
    spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, SHIPSHAPE_CONFIG: '', DATABASE_URL: '', REDIS_URL: '', MEMCACHED_SERVERS: '' } });

  it(`loads a .ts config importing 'shipshape' (${hasTypeStripping ? "Node's type stripping" : 'through jiti: this Node has no type stripping'})`, () => {
    // under the repository, so that 'shipshape' resolves to dist/ by self-reference, as in an app
    const cwd = project(
      { 'shipshape.config.ts': "import { defineConfig, memoryHeap } from 'shipshape';\nconst limit: number = 2 ** 40;\nexport default defineConfig({ probes: { readiness: { heap: memoryHeap({ maxBytes: limit }) } } });\n" },
      path.join(ROOT, '.tmp'),
    );
    const run = built(['probe', '--ready', '--verbose'], cwd);
    assert.equal(run.stderr, '');
    assert.equal(run.stdout, '[+]heap ok\nreadyz check passed\n');
    assert.equal(run.status, 0);
  });

  it('says which package to install when a .ts config needs jiti and it is not installed', (t) => {
    if (hasTypeStripping) return t.skip('this Node strips types itself: jiti is never needed');
    // A copy of the built package outside the repository has no node_modules to find jiti in:
    // the binary's own `import('jiti')` fails as it does in an app without jiti.
    const pkg = project({});
    cpSync(path.join(ROOT, 'dist'), path.join(pkg, 'dist'), { recursive: true });
    cpSync(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
    const cwd = project({ 'shipshape.config.ts': 'export default { probes: {} };\n' });
    const run = built(['probe', '--ready'], cwd, path.join(pkg, 'dist/cli/main.js'));
    assert.equal(run.status, 2, run.stderr);
    assert.equal(
      run.stderr,
      `shipshape probe: shipshape.config.ts: Node ${process.version} cannot load TypeScript by itself: run \`npm install --save-dev jiti\` (or use Node ≥ 22.18, or a .js/.mjs config)\n`,
    );
    // the same copy loads an .mjs config: only the TypeScript loader was missing
    const mjs = project({ 'shipshape.config.mjs': esm('plain') });
    assert.equal(built(['probe', '--ready', '--verbose'], mjs, path.join(pkg, 'dist/cli/main.js')).stdout, '[+]plain ok\nreadyz check passed\n');
  });
});
