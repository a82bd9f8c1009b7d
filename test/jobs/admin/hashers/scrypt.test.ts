import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scryptHasher } from '../../../../src/jobs/admin/hashers/scrypt.js';
import { passlibVerifies, requirePython } from '../../../_helpers/python.js';

describe('scrypt hasher', () => {
  it("writes passlib's $scrypt$ln=17,r=8,p=1$salt$hash (OWASP N=2^17) that passlib accepts for the right password only", async (t) => {
    const hasher = scryptHasher();
    const password = 'correct horse ✓ battery';
    const hash = await hasher.hash(password);
    assert.match(hash, /^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.notEqual(hash, await hasher.hash(password));
    if (!requirePython(t, ['passlib'])) return;
    assert.equal(passlibVerifies('scrypt', password, hash), true);
    assert.equal(passlibVerifies('scrypt', 'correct horse battery', hash), false);
  });
});
