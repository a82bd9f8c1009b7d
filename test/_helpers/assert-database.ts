/** The database() pass assertion shared by its test files: passes, reporting the round trip in ms. */
import assert from 'node:assert/strict';
import { database } from '../../src/checks/database.js';
import { runCheck } from './run-check.js';

/** Asserts that `database(client)` passes (within 5 s) and reports a number of ms; closes the check. */
export async function assertDatabasePasses(client: object | string, label: string): Promise<void> {
  const check = database(client);
  try {
    const outcome = await runCheck(check, 5000);
    assert.equal(outcome.ok, true, `${label}: ${outcome.reason}`);
    assert.equal((outcome.value as { observedUnit?: string }).observedUnit, 'ms', label);
    assert.equal(typeof (outcome.value as { observedValue?: unknown }).observedValue, 'number', label);
  } finally {
    await check.close?.();
  }
}
