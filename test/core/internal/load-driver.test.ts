import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DriverMissingError } from '../../../src/core/errors.js';
import { loadDriver } from '../../../src/core/internal/load-driver.js';

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
