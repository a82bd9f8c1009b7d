import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CheckTimeoutError,
  DriverMissingError,
  InvalidOptionError,
  isShipshapeError,
  LockLostError,
  LockTimeoutError,
  NotReady,
  ShipshapeError,
  UsageError,
  ConfigError,
  WaitTimeoutError,
  WeakPasswordError,
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
    [new LockLostError(), 'LockLostError', 'SHIPSHAPE_LOCK_LOST', 'the lock was lost'],
    [new WaitTimeoutError(180_000), 'WaitTimeoutError', 'SHIPSHAPE_WAIT_TIMEOUT', 'not ready after 180 s'],
    [new WeakPasswordError(), 'WeakPasswordError', 'SHIPSHAPE_WEAK_PASSWORD', 'password rejected'],
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

  it('WaitTimeoutError names each target with its cause and attempts, and keeps them as data', () => {
    const error = new WaitTimeoutError(4500, [
      { target: 'tcp://queue:5672', cause: 'ECONNREFUSED', attempts: 5 },
      { target: 'redis://***@cache:6379', cause: 'no answer within 1 s', attempts: 1 },
    ]);
    assert.equal(error.message, 'not ready after 4.5 s: tcp://queue:5672: ECONNREFUSED (5 attempts); redis://***@cache:6379: no answer within 1 s (1 attempt)');
    assert.equal(error.timeoutMs, 4500);
    assert.deepEqual(error.targets.map((failure) => failure.target), ['tcp://queue:5672', 'redis://***@cache:6379']);
    assert.ok(Object.isFrozen(error.targets));
  });

  it('WeakPasswordError carries every reason, in its message and as a list', () => {
    const error = new WeakPasswordError(['it is too short: 6 characters, at least 8 are needed', 'it is too common']);
    assert.equal(error.message, 'password rejected: it is too short: 6 characters, at least 8 are needed; it is too common');
    assert.deepEqual(error.reasons, ['it is too short: 6 characters, at least 8 are needed', 'it is too common']);
  });

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
