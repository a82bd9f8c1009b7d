import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DriverMissingError } from '../../../src/core/errors.js';
import { loadDriver, requirePeer } from '../../../src/core/internal/load-driver.js';

describe('loadDriver', () => {
  it('imports an installed package once and hands out the same namespace', async () => {
    const first = loadDriver('pg');
    assert.equal(loadDriver('pg'), first);
    assert.equal(typeof ((await first) as { default: { Client: unknown } }).default.Client, 'function');
  });

  it('names the package to install when it is missing, and remembers that instead of importing again', async () => {
    const first = loadDriver('shipshape-no-such-driver-2');
    await assert.rejects(first, (error: unknown) => error instanceof DriverMissingError && /npm install shipshape-no-such-driver-2/.test(error.message));
    assert.equal(loadDriver('shipshape-no-such-driver-2'), first, 'the failed import is not retried on the next probe');
  });
});

describe('requirePeer', () => {
  it('requires an installed package synchronously, the same module as import() gives', async () => {
    const required = requirePeer<{ register: unknown }>('prom-client');
    const imported = (await import('prom-client')) as unknown as { default: { register: unknown } };
    assert.equal(required.register, imported.default.register);
  });

  it('names the package to install when it is missing', () => {
    assert.throws(() => requirePeer('shipshape-no-such-peer'), (error: unknown) => error instanceof DriverMissingError && error.packageName === 'shipshape-no-such-peer');
  });
});
