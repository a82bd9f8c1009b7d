/** The registry: checks validated at construction, runners shared, defaults, close() once per check. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Check, CheckSpec } from '../../src/core/check.js';
import { registerGroup, type RegistryContext } from '../../src/core/registry.js';
import { createProbes } from '../../src/index.js';

function context(defaults: Partial<RegistryContext['defaults']> = {}): RegistryContext {
  return { defaults: { timeoutMs: 900, cacheMs: 0, critical: true, ...defaults }, logger: undefined, runners: new Map(), closable: new Set() };
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
