import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCommon, isTooSimilar, passwordProblems } from '../../../src/jobs/admin/password-policy.js';
import { python, requirePython } from '../../_helpers/python.js';

const CASES: ReadonlyArray<{ password: string; username: string; email?: string }> = [
  { password: 'short1', username: 'admin' },
  { password: '12345678901', username: 'admin' },
  { password: 'password', username: 'admin' },
  { password: 'Password', username: 'admin' },
  { password: ' Dragon ', username: 'root' },
  { password: 'administrator1', username: 'administrator' },
  { password: 'jane.doe.2024', username: 'admin', email: 'jane.doe@example.com' },
  { password: 'Jane.Doe@Example', username: 'admin', email: 'jane.doe@example.com' },
  { password: 'examplecom!', username: 'admin', email: 'jane@example.com' },
  { password: 'ELPMAXE-moc', username: 'admin', email: 'jane@example.com' },
  { password: 'correct horse battery staple', username: 'admin', email: 'admin@example.com' },
  { password: 'Tr0ub4dor&3x', username: 'admin' },
  { password: 'xk8#mQ2!vL9@pR4z', username: 'a' },
  { password: 'ééééééé', username: 'admin' },
  { password: 'zażółćgęśl', username: 'zażółć' },
];

describe('password policy', () => {
  it('rejects short, all-digit, common and look-alike passwords, with reasons that never contain the password', () => {
    assert.deepEqual(passwordProblems('x8#mQ2', { username: 'admin' }), ['it is too short: 6 characters, at least 8 are needed']);
    assert.deepEqual(passwordProblems('98765432109', { username: 'admin' }), ['it is entirely numeric']);
    assert.deepEqual(passwordProblems('Password', { username: 'admin' }), ['it is too common']);
    assert.deepEqual(passwordProblems('administrator1', { username: 'administrator' }), ['it is too similar to the username']);
    assert.deepEqual(passwordProblems('Jane.Doe@Example', { username: 'admin', email: 'jane.doe@example.com' }), ['it is too similar to the email']);
    assert.deepEqual(passwordProblems('123', { username: 'admin' }), ['it is too short: 3 characters, at least 8 are needed', 'it is entirely numeric', 'it is too common']);
    assert.deepEqual(passwordProblems('xk8#mQ2!vL9@pR4z', { username: 'admin' }), []);
    for (const { password, username, email } of CASES) {
      for (const reason of passwordProblems(password, { username, email })) assert.ok(!reason.includes(password), reason);
    }
  });

  it('counts characters, not UTF-16 units, and compares case-insensitively', () => {
    assert.equal(passwordProblems('😀😀😀😀', { username: 'x' })[0], 'it is too short: 4 characters, at least 8 are needed');
    assert.equal(isCommon('  QWERTY  '), true);
    assert.equal(isTooSimilar('ADMIN123', 'admin'), true);
    assert.equal(isTooSimilar('a-very-long-password-indeed', 'ab'), false);
  });

  it("agrees with Django's own validators on every case", async (t) => {
    if (!requirePython(t, ['django'])) return;
    const script = `
import json, os
from django.conf import settings
settings.configure(AUTH_PASSWORD_VALIDATORS=[{'NAME': 'django.contrib.auth.password_validation.' + n} for n in
  ['UserAttributeSimilarityValidator', 'MinimumLengthValidator', 'CommonPasswordValidator', 'NumericPasswordValidator']])
import django; django.setup()
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.exceptions import FieldDoesNotExist
class Meta:
    def get_field(self, name): raise FieldDoesNotExist(name)
class User:
    _meta = Meta()
    def __init__(self, username, email): self.username, self.email = username, email
out = []
for case in json.loads(os.environ['CASES']):
    try:
        validate_password(case['password'], User(case['username'], case.get('email')))
        out.append([])
    except ValidationError as e:
        out.append(sorted(err.code for err in e.error_list))
print(json.dumps(out))
`;
    const run = python(script, { CASES: JSON.stringify(CASES) });
    assert.equal(run.status, 0, run.stderr);
    const django = JSON.parse(run.stdout) as string[][];
    const codes: Record<string, string> = { short: 'password_too_short', numeric: 'password_entirely_numeric', similar: 'password_too_similar', common: 'password_too_common' };
    CASES.forEach(({ password, username, email }, index) => {
      const ours = passwordProblems(password, { username, email })
        .map((reason) => codes[/too (short|similar|common)|entirely (numeric)/.exec(reason)!.slice(1).find(Boolean)!]!)
        .sort();
      assert.deepEqual(ours, [...new Set(django[index])].sort(), `case ${index}`);
    });
  });
});
