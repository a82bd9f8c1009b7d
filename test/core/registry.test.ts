/** The registry: checks validated at construction, runners shared, defaults, close() once per check. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Check, CheckSpec } from '../../src/core/check.js';
import { InvalidOptionError } from '../../src/core/errors.js';
import { RESERVED_CHECK_NAMES, registerGroup, type RegistryContext } from '../../src/core/registry.js';
import { createProbes } from '../../src/index.js';

function context(defaults: Partial<RegistryContext['defaults']> = {}): RegistryContext {
  return { defaults: { timeoutMs: 900, cacheMs: 0, intervalMs: 0, critical: true, ...defaults }, logger: undefined, runners: new Map(), closable: new Set() };
}

describe('registerGroup', () => {
  it('returns the checks in declaration order with the probe-wide defaults', () => {
    const checks = registerGroup('readiness', { b: () => {}, a: { run: () => {}, timeoutMs: 50, cacheMs: 10, critical: false } }, context({ timeoutMs: 300, cacheMs: 5 }));
    assert.deepEqual(checks.map((c) => c.name), ['b', 'a']);
    const [b, a] = checks.map((c) => c.runner.settings);
    assert.deepEqual([b?.timeoutMs, b?.cacheMs, b?.critical], [300, 5, true]);
    assert.deepEqual([a?.timeoutMs, a?.cacheMs, a?.critical], [50, 10, false]);
  });

  it('shares one runner for the same check under the same name, and not across names', () => {
    const shared: Check = () => {};
    const ctx = context();
    const [one] = registerGroup('readiness', { db: shared }, ctx);
    const [two, other] = registerGroup('startup', { db: shared, db2: shared }, ctx);
    assert.equal(one?.runner, two?.runner);
    assert.notEqual(one?.runner, other?.runner);
  });

  it('collects each closable spec once, whatever the names and probes it is given under', () => {
    const spec: CheckSpec = { run: () => {}, close: () => {} };
    const ctx = context();
    registerGroup('readiness', { a: spec, b: spec }, ctx);
    registerGroup('liveness', { c: spec }, ctx);
    registerGroup('startup', { d: () => {} }, ctx);
    assert.deepEqual([...ctx.closable], [spec]);
  });

  it('accepts no group at all and rejects what is not an object of checks', () => {
    assert.deepEqual(registerGroup('liveness', undefined, context()), []);
    for (const value of [null, [], 'db', 3]) assert.throws(() => registerGroup('liveness', value, context()), { name: 'InvalidOptionError', message: /`liveness` to be an object of named checks/ });
  });
});

describe('registerGroup validation', () => {
  const rejects = (input: unknown, message: string): void => {
    assert.throws(() => registerGroup('readiness', input, context()), (error: unknown) => {
      assert.ok(error instanceof InvalidOptionError, String(error));
      assert.equal(error.message, message);
      return true;
    });
  };

  it('rejects check names outside [A-Za-z0-9._/-]+, naming the group', () => {
    for (const name of ['', 'my db', 'db?', 'ü']) {
      rejects({ [name]: () => {} }, `Expected check names in \`readiness\` to match [A-Za-z0-9._/-]+, got \`${JSON.stringify(name)}\``);
    }
    assert.deepEqual(registerGroup('readiness', { 'a.b/c-d_E9': () => {} }, context()).map((c) => c.name), ['a.b/c-d_E9']);
  });

  it('reserves the names of shipshape’s own state lines', () => {
    assert.deepEqual(RESERVED_CHECK_NAMES, ['startup', 'shutdown', 'broken']);
    for (const name of RESERVED_CHECK_NAMES) {
      rejects({ [name]: () => {} }, `The check name \`${name}\` in \`readiness\` is reserved: startup, shutdown, broken name shipshape's own state lines`);
    }
  });

  it('validates a spec’s own settings, naming group.name.field', () => {
    rejects({ db: { run: () => {}, timeoutMs: 0 } }, 'Expected `readiness.db.timeoutMs` to be a positive number of milliseconds, got `0`');
    rejects({ db: { run: () => {}, cacheMs: -1 } }, 'Expected `readiness.db.cacheMs` to be a number ≥ 0, got `-1`');
    rejects({ db: { run: () => {}, critical: 'no' } }, 'Expected `readiness.db.critical` to be true or false, got `"no"`');
    rejects({ db: { run: () => {}, close: 'now' } }, 'Expected `readiness.db.close` to be a function, got `"now"`');
    rejects({ db: { run: 'SELECT 1' } }, 'Expected `readiness.db` to be a check: an async function or { run, timeoutMs, critical, cacheMs, intervalMs }, got an object');
    rejects({ db: { run: () => {}, retries: 2 } }, 'Unknown option `readiness.db.retries`: expected one of `run`, `timeoutMs`, `critical`, `cacheMs`, `intervalMs`, `close`');
  });

  it('takes Infinity as "never" for a spec’s timeoutMs and cacheMs', () => {
    const [db] = registerGroup('readiness', { db: { run: () => {}, timeoutMs: Infinity, cacheMs: Infinity } }, context());
    assert.deepEqual([db?.runner.settings.timeoutMs, db?.runner.settings.cacheMs], [Infinity, Infinity]);
  });

  it('refuses one name for two different checks across probes, and shares one check given twice under its name', () => {
    const shared = (): void => {};
    assert.throws(
      () => createProbes({ readiness: { db: () => {} }, startup: { db: () => {} } }),
      { name: 'InvalidOptionError', message: 'The check name `db` in `startup` names another check already: give it another name, or pass the same check (one variable) to every probe that lists it' },
    );
    const probes = createProbes({ readiness: { db: shared }, startup: { db: shared, other: () => {} }, liveness: { db: shared } });
    assert.deepEqual(probes.snapshot().checks.db?.probes, ['liveness', 'readiness', 'startup']);
  });

  it('hands the context’s logger and the check’s name to its runner', () => {
    const logger = { info() {}, warn() {}, error() {} };
    const [db] = registerGroup('readiness', { db: () => {} }, { ...context(), logger });
    assert.equal(db?.runner.settings.logger, logger);
    assert.equal(db?.runner.settings.name, 'db');
  });
});

describe('createProbes check defaults', () => {
  it('closes a check given under several names and in several probes once', async () => {
    let closed = 0;
    const spec = { run: () => {}, close: () => void (closed += 1) };
    const probes = createProbes({ readiness: { a: spec, b: spec }, liveness: { c: spec }, startup: { d: spec } });
    await probes.close();
    assert.equal(closed, 1);
  });

  it('a top-level cacheMs is every check’s default; a check’s own wins', async () => {
    let shared = 0;
    let own = 0;
    const probes = createProbes({
      cacheMs: 10_000,
      readiness: { shared: () => void (shared += 1), own: { cacheMs: 0, run: () => void (own += 1) } },
    });
    for (let i = 0; i < 3; i += 1) await probes.check('readiness');
    assert.equal(shared, 1, 'cached for 10 s');
    assert.equal(own, 3, 'its own cacheMs 0 wins');
  });

  it('rejects a negative or non-numeric top-level cacheMs', () => {
    for (const cacheMs of [-1, 'x', Number.NaN]) assert.throws(() => createProbes({ cacheMs: cacheMs as number }), { name: 'InvalidOptionError', message: /`cacheMs`/ });
  });
});
