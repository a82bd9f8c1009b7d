import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathAndQuery, pathSlash, safeDecode } from '../../../src/core/internal/url.js';

describe('safeDecode', () => {
  it('decodes percent-escapes', () => {
    assert.equal(safeDecode('a%20b%2Fc'), 'a b/c');
    assert.equal(safeDecode('p%40ss%3Aw0rd'), 'p@ss:w0rd');
  });
  it('takes a malformed escape as written instead of throwing', () => {
    for (const text of ['100%', '%zz', 'a%E0%A4%A', '%']) assert.equal(safeDecode(text), text);
  });
  it('returns text without a "%" as it is', () => {
    assert.equal(safeDecode('plain'), 'plain');
  });
  it('decodes UTF-8 escapes and leaves "+" alone (a path, not a form)', () => {
    assert.equal(safeDecode('caf%C3%A9'), 'café');
    assert.equal(safeDecode('a+b%20c'), 'a+b c');
  });
});

describe('pathAndQuery', () => {
  it('returns the origin form as it is', () => {
    for (const target of ['/readyz', '/readyz?verbose&exclude=db', '/', '/a//b']) assert.equal(pathAndQuery(target), target);
  });
  it('strips scheme and authority from the absolute form (proxies, Request.url)', () => {
    assert.equal(pathAndQuery('http://app.test/readyz?verbose'), '/readyz?verbose');
    assert.equal(pathAndQuery('https://user:pw@app.test:8443/livez'), '/livez');
    assert.equal(pathAndQuery('http://[::1]:3000/startupz'), '/startupz');
  });
  it('drops the fragment and gives an empty path as "/"', () => {
    assert.equal(pathAndQuery('http://app.test/readyz#x'), '/readyz');
    assert.equal(pathAndQuery('http://app.test'), '/');
    assert.equal(pathAndQuery('http://app.test?verbose'), '/?verbose');
  });
  it('keeps the query of an absolute form whose authority has a port or user-info', () => {
    assert.equal(pathAndQuery('http://app.test:8080/readyz?exclude=db&verbose'), '/readyz?exclude=db&verbose');
    assert.equal(pathAndQuery('http://u@app.test/livez?x=/y'), '/livez?x=/y');
  });
  it('leaves the asterisk form alone (it matches no probe)', () => {
    assert.equal(pathAndQuery('*'), '*');
  });
});

describe('pathSlash', () => {
  it('is 0 for the origin form', () => {
    assert.equal(pathSlash('/readyz?verbose'), 0);
    assert.equal(pathSlash('/'), 0);
  });
  it('is the index of the "/" after the authority of the absolute form', () => {
    assert.equal(pathSlash('http://app.test/readyz'), 'http://app.test'.length);
    assert.equal(pathSlash('https://user:pw@app.test:8443/livez?x=/y'), 'https://user:pw@app.test:8443'.length);
    assert.equal(pathSlash('http://[::1]:3000/startupz'), 'http://[::1]:3000'.length);
  });
  it('takes a ":" where http: and https: have theirs for the scheme’s only when "//" follows it', () => {
    assert.equal(pathSlash('x://a:1/livez'), 'x://a:1'.length);
    assert.equal(pathSlash('x://a:/livez'), 'x://a:'.length);
    assert.equal(pathSlash('xy://ab:1/livez'), 'xy://ab:1'.length);
    assert.equal(pathSlash('wss://a/livez'), 'wss://a'.length);
  });
  it('is -1 without a path, and never before the path: an empty path may yield a "/" of the query', () => {
    assert.equal(pathSlash('http://app.test'), -1);
    assert.equal(pathSlash('http://app.test?verbose'), -1);
    assert.equal(pathSlash('*'), -1);
    assert.equal(pathSlash(''), -1);
    assert.equal(pathSlash('http://app.test?next=/livez'), 'http://app.test?next='.length);
  });
});
