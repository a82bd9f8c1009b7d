/**
 * createProbes: option validation (every bad option is a TypeError naming what is
 * accepted) and the state API.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProbes, InvalidOptionError, type ProbesOptions } from '../../src/index.js';

function rejects(options: unknown, pattern: RegExp): void {
  assert.throws(
    () => createProbes(options as ProbesOptions),
    (error: unknown) => {
      assert.ok(error instanceof TypeError, 'a TypeError');
      assert.ok(error instanceof InvalidOptionError);
      assert.equal((error as InvalidOptionError).code, 'SHIPSHAPE_INVALID_OPTION');
      assert.match((error as Error).message, pattern);
      return true;
    },
  );
}

describe('createProbes options', () => {
  it('accepts no options at all', async () => {
    const probes = createProbes();
    assert.equal((await probes.check('liveness')).status, 'pass');
    assert.deepEqual(probes.paths, ['/livez', '/healthz', '/readyz', '/startupz']);
  });

  it('rejects an unknown group or option, listing the accepted ones', () => {
    rejects({ readyness: {} }, /Unknown option `readyness`: expected one of `liveness`, `readiness`, `startup`, `timeoutMs`/);
    rejects({ paths: { live: '/l', healthz: '/h' } }, /Unknown option `paths.healthz`: expected one of `live`, `ready`, `startup`/);
  });

  it('rejects a group that is not an object of checks', () => {
    rejects({ readiness: [() => {}] }, /Expected `readiness` to be an object of named checks, got an array/);
    rejects({ liveness: 'db' }, /Expected `liveness` to be an object of named checks/);
  });

  it('rejects a check that is neither a function nor a { run } spec', () => {
    rejects({ readiness: { db: 42 } }, /Expected `readiness.db` to be a check: an async function or \{ run, timeoutMs, critical, cacheMs, intervalMs \}, got `42`/);
    rejects({ readiness: { db: { timeoutMs: 5 } } }, /Expected `readiness.db` to be a check/);
    rejects({ readiness: { db: null } }, /got `null`/);
    rejects({ readiness: { db: { run() {}, retries: 3 } } }, /Unknown option `readiness.db.retries`/);
  });

  it('rejects negative, zero or non-numeric timeouts and bad cacheMs or critical', () => {
    rejects({ timeoutMs: -1 }, /Expected `timeoutMs` to be a positive number of milliseconds, got `-1`/);
    rejects({ timeoutMs: 0 }, /got `0`/);
    rejects({ timeoutMs: '900' }, /got `"900"`/);
    rejects({ timeoutMs: Number.NaN }, /got `NaN`/);
    rejects({ readiness: { db: { run() {}, timeoutMs: -5 } } }, /`readiness.db.timeoutMs` to be a positive number/);
    rejects({ readiness: { db: { run() {}, cacheMs: -1 } } }, /`readiness.db.cacheMs` to be a number ≥ 0/);
    rejects({ readiness: { db: { run() {}, critical: 'no' } } }, /`readiness.db.critical` to be true or false/);
  });

  it('rejects check names outside [A-Za-z0-9._/-]+ and the reserved state names', () => {
    rejects({ readiness: { 'my db': () => {} } }, /match \[A-Za-z0-9._\/-\]\+, got `"my db"`/);
    rejects({ readiness: { '': () => {} } }, /match/);
    rejects({ readiness: { shutdown: () => {} } }, /`shutdown` in `readiness` is reserved/);
    assert.doesNotThrow(() => createProbes({ readiness: { 'db.primary/eu-1_a': () => {} } }));
  });

  it('rejects paths without a leading "/", with a query or a trailing "/", and duplicates', () => {
    rejects({ paths: { ready: 'readyz' } }, /Expected `paths.ready` paths to start with "\/" \(no query, no trailing "\/"\), got `"readyz"`/);
    rejects({ paths: { live: ['/livez', '/x?y'] } }, /`paths.live` paths/);
    rejects({ paths: { startup: '/' } }, /`paths.startup` paths/);
    rejects({ paths: { ready: 7 } }, /Expected `paths.ready` to be a path or an array of paths, got `7`/);
    // only `undefined` means the default path: `null` is refused rather than silently served as `/readyz`
    rejects({ paths: { ready: null } as never }, /Expected `paths.ready` to be a path or an array of paths, got `null`/);
    rejects({ paths: { live: null } as never }, /Expected `paths.live` to be a path or an array of paths, got `null`/);
    assert.deepEqual(createProbes({ paths: { ready: undefined } }).paths, createProbes().paths);
    rejects({ paths: { ready: '/livez' } }, /The probe path `"\/livez"` is given twice/);
    rejects({ basePath: 'api' }, /Expected `basePath` to be "" or a path starting with "\/" and not ending with "\/", got `"api"`/);
    rejects({ basePath: '/api/' }, /`basePath`/);
  });

  it('rejects a logger without info/warn/error and non-boolean flags', () => {
    rejects({ logger: { log() {} } }, /Expected `logger` to be a logger with info\(\), warn\(\) and error\(\) methods \(console, pino\) or false, got an object/);
    rejects({ manualReady: 'yes' }, /Expected `manualReady` to be true or false/);
    rejects({ details: 0 }, /Expected `details` to be true or false/);
    rejects({ version: 3 }, /Expected `version` to be a non-empty string/);
  });

  it('does not mutate or keep a live reference to the options', async () => {
    const readiness: Record<string, () => void> = { a: () => {} };
    const options = Object.freeze({ readiness: Object.freeze(readiness), timeoutMs: 100 });
    const probes = createProbes(options);
    assert.deepEqual((await probes.check('readiness')).checks.map((c) => c.name), ['a']);
  });

  it('exposes ready and draining, and markReady/drain change them', () => {
    const probes = createProbes({ manualReady: true });
    assert.equal(probes.ready, false);
    probes.markReady();
    assert.equal(probes.ready, true);
    assert.equal(probes.draining, false);
    probes.drain();
    assert.equal(probes.draining, true);
  });

  it('binds handle and fetch so they can be passed around', async () => {
    const { fetch } = createProbes();
    const response = await fetch(new Request('http://x/livez'));
    assert.equal(await response?.text(), 'ok');
  });
});

describe('probes.respond', () => {
  it('takes the request target in origin or absolute form, query and fragment included', async () => {
    const probes = createProbes({ readiness: { db: async () => {} } });
    for (const url of ['/readyz?verbose', 'http://app.test/readyz?verbose', 'https://u:p@app.test:8443/readyz?verbose#x']) {
      const response = await probes.respond({ method: 'GET', url });
      assert.equal(response?.status, 200, url);
      assert.equal(response?.body, '[+]db ok\nreadyz check passed\n', url);
    }
    assert.equal((await probes.respond({ method: 'GET', url: 'http://app.test/readyz/db' }))?.body, 'ok');
  });

  it('leaves the app’s own targets, in either form, and other methods to the app', () => {
    const probes = createProbes();
    for (const url of ['/app', '/livezz', 'http://app.test/app', 'http://app.test', 'http://app.test?livez', 'http://app.test?next=/livez', '*']) {
      assert.equal(probes.respond({ method: 'GET', url }), undefined, url);
    }
    assert.equal(probes.respond({ method: 'POST', url: '/livez' }), undefined);
  });
});
