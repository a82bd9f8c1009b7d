import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CheckTimeoutError,
  DriverMissingError,
  InvalidOptionError,
  isShipshapeError,
  LockTimeoutError,
  NotReady,
  ShipshapeError,
  UsageError,
  ConfigError,
} from '../../src/index.js';

describe('errors', () => {
  const table = [
    [new ShipshapeError('x'), 'ShipshapeError', 'SHIPSHAPE_ERROR', 'x'],
    [new NotReady(), 'NotReady', 'SHIPSHAPE_NOT_READY', 'not ready'],
    [new CheckTimeoutError(900), 'CheckTimeoutError', 'SHIPSHAPE_CHECK_TIMEOUT', 'timed out after 900 ms'],
    [new DriverMissingError('pg'), 'DriverMissingError', 'SHIPSHAPE_DRIVER_MISSING', 'the package "pg" is not installed: run `npm install pg`'],
    [new LockTimeoutError(), 'LockTimeoutError', 'SHIPSHAPE_LOCK_TIMEOUT', 'timed out waiting for the lock'],
    [new UsageError('bad flag'), 'UsageError', 'SHIPSHAPE_USAGE', 'bad flag'],
    [new ConfigError('shipshape.config.ts: no default export'), 'ConfigError', 'SHIPSHAPE_CONFIG', 'shipshape.config.ts: no default export'],
    [new InvalidOptionError('bad'), 'InvalidOptionError', 'SHIPSHAPE_INVALID_OPTION', 'bad'],
  ] as const;

  for (const [error, name, code, message] of table) {
    it(`${name} has its name, code and default message, and is branded`, () => {
      assert.equal(error.name, name);
      assert.equal(error.code, code);
      assert.equal(error.message, message);
      assert.ok(isShipshapeError(error));
      assert.deepEqual(JSON.parse(JSON.stringify(error)), { code, message });
      assert.ok(String(error.stack).startsWith(`${name}: `));
    });
  }

  it('keeps subclasses in the hierarchy and option errors as TypeErrors', () => {
    assert.ok(new NotReady() instanceof ShipshapeError);
    assert.ok(new InvalidOptionError('x') instanceof TypeError);
  });

  it('passes cause through but never serializes it, and redacts messages', () => {
    const cause = new Error('postgres://u:pw@h/db');
    const error = new NotReady('connect postgres://u:pw@h/db failed', { cause });
    assert.equal(error.cause, cause);
    assert.equal(error.message, 'connect postgres://***@h/db failed');
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(error))), ['code', 'message']);
  });

  it('recognizes errors of another copy of shipshape by their Symbol.for brand', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('shipshape.error')]: true });
    assert.ok(isShipshapeError(foreign));
    assert.ok(!isShipshapeError(new Error('x')));
    assert.ok(!isShipshapeError(null));
  });
});
