/** Database URLs (src/core/internal/sql/url.ts): schemes, validation that never echoes a password, SQLite paths. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidOptionError } from '../../../../src/core/errors.js';
import { SQL_URL_SCHEMES, parseSqlUrl, schemeOf, schemesFor, sqlitePathFromUrl } from '../../../../src/core/internal/sql/url.js';
import { redact } from '../../../../src/core/redact.js';

/** A password no other test registers, so that redact() removing it proves this URL registered it. */
let serial = 0;
const uniquePassword = (): string => `Zq-sqlurl-${process.pid}-${(serial += 1)}`;

describe('schemeOf', () => {
  it('is the scheme with its colon, lower case', () => {
    assert.equal(schemeOf('postgres://db/app'), 'postgres:');
    assert.equal(schemeOf('PostgreSQL://db/app'), 'postgresql:');
    assert.equal(schemeOf('file:./dev.db'), 'file:');
    assert.equal(schemeOf('sqlite:app.db'), 'sqlite:');
    assert.equal(schemeOf('git+ssh://host/x'), 'git+ssh:');
  });

  it('is undefined for a path: POSIX, relative, and Windows with a drive letter', () => {
    for (const text of ['/var/app.db', './app.db', 'app.db', 'C:\\data\\app.db', 'c:/data/app.db', 'D:app.db', '', '127.0.0.1:3306']) {
      assert.equal(schemeOf(text), undefined, text);
    }
  });

  it('takes host:port with a host name for a scheme (it is a URL to no driver)', () => {
    assert.equal(schemeOf('localhost:5432'), 'localhost:');
  });
});

describe('schemesFor and SQL_URL_SCHEMES', () => {
  it('maps every scheme to its dialect', () => {
    assert.deepEqual(
      Object.fromEntries(Object.entries(SQL_URL_SCHEMES).map(([scheme, { dialect }]) => [scheme, dialect])),
      { 'postgres:': 'postgres', 'postgresql:': 'postgres', 'mysql:': 'mysql', 'mariadb:': 'mysql', 'sqlite:': 'sqlite', 'file:': 'sqlite' },
    );
    assert.ok(Object.isFrozen(SQL_URL_SCHEMES));
  });

  it('names the schemes of a dialect for messages', () => {
    assert.equal(schemesFor('postgres'), 'postgres:// or postgresql://');
    assert.equal(schemesFor('mysql'), 'mysql:// or mariadb://');
    assert.equal(schemesFor('sqlite'), 'sqlite:// or file://');
  });
});

describe('parseSqlUrl', () => {
  /** Asserts an InvalidOptionError with exactly `message`, which never holds `password`. */
  function assertRefused(check: string, dialect: 'postgres' | 'mysql' | 'sqlite', url: string, message: string, password: string, strict?: boolean): void {
    assert.throws(
      () => parseSqlUrl(check, dialect, url, strict),
      (error: unknown) => {
        assert.ok(error instanceof InvalidOptionError && error instanceof TypeError);
        assert.equal(error.code, 'SHIPSHAPE_INVALID_OPTION');
        assert.equal(error.message, message);
        assert.ok(!error.message.includes(password));
        return true;
      },
    );
  }

  it('accepts a URL of the dialect’s schemes', () => {
    for (const url of ['postgres://u:p@db:5432/app', 'postgresql://db/app', 'POSTGRES://db/app']) assert.equal(parseSqlUrl('postgres', 'postgres', url), undefined);
    for (const url of ['mysql://root@db/test', 'mariadb://root@db/test']) assert.equal(parseSqlUrl('mysql', 'mysql', url), undefined);
  });

  it('refuses another scheme, naming the accepted ones and the received scheme only', () => {
    const password = uniquePassword();
    assertRefused('postgres', 'postgres', `mysql://root:${password}@db/x`, 'Expected `postgres()` to get a client or a postgres:// or postgresql:// URL, got a `mysql://` URL', password);
    assertRefused('mysql', 'mysql', `redis://:${password}@cache:6379`, 'Expected `mysql()` to get a client or a mysql:// or mariadb:// URL, got a `redis://` URL', password);
  });

  it('refuses a string that is not a URL without showing it', () => {
    const password = uniquePassword();
    assertRefused('mysql', 'mysql', `//root:${password}@127.0.0.1:3306/test`, 'Expected `mysql()` to get a client or a mysql:// or mariadb:// URL, got a string that is not a URL', password);
    assertRefused('postgres', 'postgres', '/var/run/postgresql', 'Expected `postgres()` to get a client or a postgres:// or postgresql:// URL, got a string that is not a URL', password);
  });

  it('refuses, when strict, a URL that does not parse; loose, it leaves that to the driver (libpq’s empty host)', () => {
    const password = uniquePassword();
    assertRefused('mysql', 'mysql', `mysql://u:${password}@db:99999/x`, 'Expected `mysql()` to get a valid mysql:// or mariadb:// URL, got one that does not parse', password);
    assertRefused('mysql', 'mysql', `mysql://u:${password}@/x`, 'Expected `mysql()` to get a valid mysql:// or mariadb:// URL, got one that does not parse', password, true);
    assert.equal(parseSqlUrl('postgres', 'postgres', `postgres://u:${password}@/db?host=/var/run/postgresql`, false), undefined);
  });

  it('registers the URL’s password (raw and decoded) and secret parameters for redaction, even when it refuses the URL', () => {
    const plain = uniquePassword();
    parseSqlUrl('postgres', 'postgres', `postgres://app:${plain}@db/app`);
    assert.equal(redact(`auth failed for ${plain}`), 'auth failed for ***');

    const decoded = `${uniquePassword()}@/x`;
    parseSqlUrl('mysql', 'mysql', `mysql://app:${encodeURIComponent(decoded)}@db/app`);
    assert.equal(redact(`echo ${decoded} and ${encodeURIComponent(decoded)}`), 'echo *** and ***');

    const sslPassword = uniquePassword();
    parseSqlUrl('postgres', 'postgres', `postgres://db/app?sslpassword=${sslPassword}`);
    assert.equal(redact(`key ${sslPassword}`), 'key ***');

    const refused = uniquePassword();
    assert.throws(() => parseSqlUrl('postgres', 'postgres', `mysql://root:${refused}@db/x`), InvalidOptionError);
    assert.equal(redact(`driver said ${refused}`), 'driver said ***');
  });

  it('registers the password of a URL that new URL() rejects (an empty host, as libpq allows)', () => {
    const password = uniquePassword();
    const url = `postgres://app:${password}@/db?host=/var/run/postgresql`;
    assert.equal(URL.canParse(url), false, 'the case the hand-made user-info parse is for');
    parseSqlUrl('postgres', 'postgres', url, false);
    assert.equal(redact(`connect as ${password}`), 'connect as ***');
  });
});

describe('sqlitePathFromUrl', () => {
  const cases: [string, string][] = [
    ['file:///var/app.db', '/var/app.db'],
    ['file://localhost/var/app.db', '/var/app.db'],
    ['file:///var/my%20app.db', '/var/my app.db'],
    ['file:./dev.db', './dev.db'],
    ['file:dev.db', 'dev.db'],
    ['file:../data/dev.db', '../data/dev.db'],
    ['sqlite:///abs/app.db', '/abs/app.db'],
    ['sqlite:/abs/app.db', '/abs/app.db'],
    ['sqlite://rel/app.db', 'rel/app.db'],
    ['sqlite:./rel.db', './rel.db'],
    ['sqlite:app.db', 'app.db'],
    ['sqlite::memory:', ':memory:'],
    ['SQLITE:./upper.db', './upper.db'],
  ];
  for (const [url, path] of cases) {
    it(`reads ${url} as ${path}`, () => assert.equal(sqlitePathFromUrl(url), path));
  }

  it('drops query strings and fragments', () => {
    assert.equal(sqlitePathFromUrl('file:./dev.db?connection_limit=1'), './dev.db');
    assert.equal(sqlitePathFromUrl('file:///var/app.db?mode=ro#x'), '/var/app.db');
    assert.equal(sqlitePathFromUrl('sqlite:///abs/app.db?mode=ro'), '/abs/app.db');
    assert.equal(sqlitePathFromUrl('sqlite:./a.db#frag'), './a.db');
  });

  it('decodes percent-escapes, and keeps a malformed one as written', () => {
    assert.equal(sqlitePathFromUrl('sqlite:./my%20db.sqlite'), './my db.sqlite');
    assert.equal(sqlitePathFromUrl('file:./a%23b.db'), './a#b.db');
    assert.equal(sqlitePathFromUrl('sqlite:./100%.db'), './100%.db');
  });

  it('returns a path without a scheme as it is, Windows paths included', () => {
    assert.equal(sqlitePathFromUrl('/var/app.db'), '/var/app.db');
    assert.equal(sqlitePathFromUrl('C:\\data\\app.db'), 'C:\\data\\app.db');
  });
});
