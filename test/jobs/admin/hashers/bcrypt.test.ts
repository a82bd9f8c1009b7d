import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bcryptHasher, BCRYPT_COST } from '../../../../src/jobs/admin/hashers/bcrypt.js';
import { passlibVerifies, requirePython } from '../../../_helpers/python.js';

describe('bcrypt hasher', () => {
  it(`writes $2b$ strings at cost ${BCRYPT_COST} that passlib accepts for the right password only`, async (t) => {
    const hasher = await bcryptHasher();
    const password = 'correct horse ✓ battery';
    const hash = await hasher.hash(password);
    assert.match(hash, new RegExp(`^\\$2b\\$${BCRYPT_COST}\\$[./A-Za-z0-9]{53}$`));
    assert.notEqual(hash, await hasher.hash(password));
    if (!requirePython(t, ['passlib', 'bcrypt'])) return;
    assert.equal(passlibVerifies('bcrypt', password, hash), true);
    assert.equal(passlibVerifies('bcrypt', 'correct horse battery', hash), false);
  });

  it('refuses a password longer than 72 bytes (bcrypt would silently cut it) and one with a NUL, without quoting it', async () => {
    const hasher = await bcryptHasher();
    assert.equal(hasher.refuse('a'.repeat(72)), undefined);
    const long = 'é'.repeat(37); // 37 characters, 74 bytes
    const reason = hasher.refuse(long);
    assert.match(reason ?? '', /first 72 bytes .* has 74/);
    assert.ok(!reason!.includes(long));
    assert.match(hasher.refuse('abc\0defghij') ?? '', /NUL/);
  });
});
