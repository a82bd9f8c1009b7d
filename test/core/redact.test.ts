import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redact, registerSecret, registerUrlSecrets } from '../../src/index.js';

describe('redact', () => {
  const cases = [
    ['postgres://app:hunter2@db:5432/app', 'postgres://***@db:5432/app'],
    ['redis://:p%40ss@cache:6379/0', 'redis://***@cache:6379/0'],
    ['mysql://root:p@ss@db/x', 'mysql://***@db/x'],
    ['host=db password=hunter2 user=app', 'host=db password=*** user=app'],
    ['PGPASSWORD=abc', 'PGPASSWORD=***'],
    ['?user=a&password=b&ssl=1', '?user=a&password=***&ssl=1'],
    ['pwd: xyz,', 'pwd: ***,'],
    ['{"token":"abc","ok":1}', '{"token":"***","ok":1}'],
    ["api_key='k1'", "api_key='***'"],
    ['client_secret=zz', 'client_secret=***'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x', 'Authorization: Bearer ***'],
    ['Basic dXNlcjpwYXNz', 'Basic ***'],
    ['connect ECONNREFUSED 127.0.0.1:5432', 'connect ECONNREFUSED 127.0.0.1:5432'],
    ['https://example.test/path?a=1', 'https://example.test/path?a=1'],
  ] as const;
  for (const [input, expected] of cases) {
    it(`redacts ${JSON.stringify(input)}`, () => assert.equal(redact(input), expected));
  }

  it('removes registered secrets wherever they appear, and ignores very short ones', () => {
    registerSecret('Zq-unique-secret-1');
    registerSecret('ab');
    assert.equal(redact('auth failed with Zq-unique-secret-1 for ab'), 'auth failed with *** for ab');
  });

  it('registers the decoded password and secret query parameters of a URL', () => {
    registerUrlSecrets('postgres://u:Zq%2Fdecoded-9@h/db?sslpassword=Zq-sslpw-2');
    assert.equal(redact('echo Zq/decoded-9 and Zq-sslpw-2'), 'echo *** and ***');
    assert.doesNotThrow(() => registerUrlSecrets('not a url'));
  });
});
