import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DJANGO_ITERATIONS, pbkdf2Sha256Hasher, PBKDF2_OWASP_ITERATIONS } from '../../../../src/jobs/admin/hashers/pbkdf2-sha256.js';
import { passlibVerifies, python, requirePython } from '../../../_helpers/python.js';

describe('pbkdf2_sha256 hasher', () => {
  it("writes Django's pbkdf2_sha256$600000$<22-char salt>$<base64> by default, that passlib accepts for the right password only", async (t) => {
    const hasher = pbkdf2Sha256Hasher();
    const password = 'correct horse ✓ battery';
    const hash = await hasher.hash(password);
    assert.match(hash, new RegExp(`^pbkdf2_sha256\\$${PBKDF2_OWASP_ITERATIONS}\\$[A-Za-z0-9]{22}\\$[A-Za-z0-9+/]{43}=$`));
    assert.notEqual(hash, await hasher.hash(password));
    if (!requirePython(t, ['passlib'])) return;
    assert.equal(passlibVerifies('django_pbkdf2_sha256', password, hash), true);
    assert.equal(passlibVerifies('django_pbkdf2_sha256', 'correct horse battery', hash), false);
  });

  it("takes an iteration count, and Django's own hasher verifies the result without wanting a new salt", async (t) => {
    const hash = await pbkdf2Sha256Hasher(1000).hash('s3cret password');
    assert.match(hash, /^pbkdf2_sha256\$1000\$/);
    assert.ok(DJANGO_ITERATIONS > PBKDF2_OWASP_ITERATIONS);
    if (!requirePython(t, ['django'])) return;
    const django = python(
      [
        'import os',
        'from django.conf import settings',
        'settings.configure()',
        'from django.contrib.auth.hashers import PBKDF2PasswordHasher, must_update_salt',
        'h = PBKDF2PasswordHasher()',
        'd = h.decode(os.environ["HASH"])',
        'print(h.verify(os.environ["PASSWORD"], os.environ["HASH"]), must_update_salt(d["salt"], h.salt_entropy))',
      ].join('\n'),
      { HASH: hash, PASSWORD: 's3cret password' },
    );
    assert.equal(django.stdout.trim(), 'True False', django.stderr);
  });

  it('refuses an iteration count that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => pbkdf2Sha256Hasher(bad), /--iterations must be a positive whole number/);
  });
});
