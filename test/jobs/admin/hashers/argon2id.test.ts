import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argon2idHasher, ARGON2ID } from '../../../../src/jobs/admin/hashers/argon2id.js';
import { passlibVerifies, python, requirePython } from '../../../_helpers/python.js';

describe('argon2id hasher', () => {
  it('writes a PHC string in the reference order m, t, p at OWASP parameters, with a fresh salt each time', async () => {
    const hasher = await argon2idHasher();
    const [one, two] = [await hasher.hash('correct horse battery'), await hasher.hash('correct horse battery')];
    assert.match(one, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.notEqual(one, two);
    assert.equal(ARGON2ID.memoryKiB, 19 * 1024);
  });

  it('is accepted by passlib and by argon2-cffi (what Django verifies with), for the right password only', async (t) => {
    if (!requirePython(t, ['passlib', 'argon2'])) return;
    const hasher = await argon2idHasher();
    const password = 'pässwörd with ünïcode ✓';
    const hash = await hasher.hash(password);
    assert.equal(passlibVerifies('argon2', password, hash), true);
    assert.equal(passlibVerifies('argon2', `${password}!`, hash), false);
    const cffi = python('import os, argon2\nprint(argon2.PasswordHasher().verify(os.environ["HASH"], os.environ["PASSWORD"]))', { HASH: hash, PASSWORD: password });
    assert.equal(cffi.stdout.trim(), 'True', cffi.stderr);
  });
});
