/** The Kubernetes health text format (src/core/format-text.ts), line by line, and its 10 KiB cap. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckStatus } from '../../src/core/check.js';
import { MAX_BODY_BYTES, checkLine, formatText, formatTextCheck } from '../../src/core/format-text.js';
import type { CheckReport, ProbeReport } from '../../src/core/report.js';

const TIME = new Date('2026-01-02T03:04:05.678Z');

function check(name: string, status: CheckStatus, extra: Partial<CheckReport> = {}): CheckReport {
  return { name, status, excluded: false, time: TIME, durationMs: 1, ...extra };
}

function report(status: CheckStatus, checks: CheckReport[], unmatchedExcludes: string[] = []): ProbeReport {
  return { probe: 'readiness', status, checks, unmatchedExcludes };
}

const FORMAT = { word: 'readyz', verbose: false, details: true } as const;

describe('checkLine', () => {
  it('writes each kind of line', () => {
    assert.equal(checkLine(check('db', 'pass'), true), '[+]db ok');
    assert.equal(checkLine(check('cache', 'warn', { reason: 'ECONNREFUSED' }), true), '[!]cache warn: ECONNREFUSED');
    assert.equal(checkLine(check('db', 'fail', { reason: 'timed out after 900 ms' }), true), '[-]db failed: timed out after 900 ms');
    assert.equal(checkLine(check('db', 'pass', { excluded: true }), true), '[+]db excluded: ok');
  });

  it('says "failed" when a failing check has no reason', () => {
    assert.equal(checkLine(check('db', 'fail'), true), '[-]db failed: failed');
    assert.equal(checkLine(check('db', 'warn'), true), '[!]db warn: failed');
  });

  it('withholds every reason with details: false, and keeps the rest of the line', () => {
    assert.equal(checkLine(check('db', 'fail', { reason: 'secret host' }), false), '[-]db failed: reason withheld');
    assert.equal(checkLine(check('db', 'warn', { reason: 'secret host' }), false), '[!]db warn: reason withheld');
    assert.equal(checkLine(check('db', 'pass'), false), '[+]db ok');
    assert.equal(checkLine(check('db', 'pass', { excluded: true }), false), '[+]db excluded: ok');
  });
});

describe('formatText', () => {
  const mixed = [check('db', 'pass'), check('cache', 'warn', { reason: 'slow' }), check('ext', 'pass', { excluded: true })];

  it('is "ok" without a newline when the probe passes or only warns, unless verbose', () => {
    assert.equal(formatText(report('pass', [check('db', 'pass')]), FORMAT), 'ok');
    assert.equal(formatText(report('warn', mixed), FORMAT), 'ok');
    assert.equal(formatText(report('pass', []), FORMAT), 'ok');
  });

  it('lists every check and a closing "passed" line when verbose', () => {
    assert.equal(formatText(report('warn', mixed), { ...FORMAT, verbose: true }), '[+]db ok\n[!]cache warn: slow\n[+]ext excluded: ok\nreadyz check passed\n');
    assert.equal(formatText(report('pass', []), { ...FORMAT, verbose: true }), 'readyz check passed\n');
  });

  it('lists every check and a closing "failed" line on failure, verbose or not, with the route’s word', () => {
    const failed = report('fail', [check('db', 'fail', { reason: 'ECONNREFUSED 127.0.0.1:5432' }), ...mixed.slice(1)]);
    const body = '[-]db failed: ECONNREFUSED 127.0.0.1:5432\n[!]cache warn: slow\n[+]ext excluded: ok\nhealthz check failed\n';
    assert.equal(formatText(failed, { ...FORMAT, word: 'healthz' }), body);
    assert.equal(formatText(failed, { ...FORMAT, word: 'healthz', verbose: true }), body);
    assert.equal(formatText(report('fail', []), FORMAT), 'readyz check failed\n');
  });

  it('withholds reasons with details: false', () => {
    const failed = report('fail', [check('db', 'fail', { reason: 'password authentication failed for user "app"' })]);
    assert.equal(formatText(failed, { ...FORMAT, details: false }), '[-]db failed: reason withheld\nreadyz check failed\n');
  });

  it('warns about ?exclude= names that matched no check, before the closing line', () => {
    const body = formatText(report('pass', [check('db', 'pass', { excluded: true })], ['cach', 'qeue']), { ...FORMAT, verbose: true });
    assert.equal(body, '[+]db excluded: ok\nwarn: some health checks cannot be excluded: no matches for "cach","qeue"\nreadyz check passed\n');
    const failed = formatText(report('fail', [check('db', 'fail', { reason: 'x' })], ['nope']), FORMAT);
    assert.equal(failed, '[-]db failed: x\nwarn: some health checks cannot be excluded: no matches for "nope"\nreadyz check failed\n');
  });
});

describe('formatText: the 10 KiB cap', () => {
  const many = (count: number, reason: string): CheckReport[] =>
    Array.from({ length: count }, (_, index) => check(`check-${String(index).padStart(3, '0')}`, 'fail', { reason }));

  it('is the 10 KiB the kubelet reads', () => {
    assert.equal(MAX_BODY_BYTES, 10 * 1024);
  });

  it('keeps a body at the limit whole', () => {
    // one line + "\nreadyz check failed\n" of exactly MAX_BODY_BYTES bytes
    const closing = '\nreadyz check failed\n';
    const reason = 'r'.repeat(MAX_BODY_BYTES - '[-]x failed: '.length - closing.length);
    const body = formatText(report('fail', [check('x', 'fail', { reason })]), FORMAT);
    assert.equal(Buffer.byteLength(body), MAX_BODY_BYTES);
    assert.ok(!body.includes('…'));
  });

  it('cuts a longer listing at a line, says so with "…", and always keeps the closing line', () => {
    const checks = many(200, 'x'.repeat(100));
    const body = formatText(report('fail', checks), FORMAT);
    assert.ok(Buffer.byteLength(body) <= MAX_BODY_BYTES, `${Buffer.byteLength(body)} bytes`);
    assert.ok(body.endsWith('\n…\nreadyz check failed\n'), body.slice(-60));
    const kept = body.split('\n').slice(0, -3);
    assert.ok(kept.length > 50 && kept.length < 200, `${kept.length} lines kept`);
    assert.deepEqual(kept, checks.slice(0, kept.length).map((c) => checkLine(c, true)), 'the first lines, whole and in order');
    // one more line would not have fitted
    const next = checkLine(checks[kept.length]!, true);
    assert.ok(Buffer.byteLength(body) + Buffer.byteLength(next) + 1 > MAX_BODY_BYTES);
  });

  it('counts bytes, not characters', () => {
    // 60 lines of ~130 characters are ~7.9 KB of characters but ~15 KB of UTF-8
    const body = formatText(report('fail', many(60, 'é'.repeat(110))), FORMAT);
    assert.ok(Buffer.byteLength(body) <= MAX_BODY_BYTES, `${Buffer.byteLength(body)} bytes`);
    assert.ok(body.endsWith('\n…\nreadyz check failed\n'));
  });

  it('caps a verbose passing listing and the exclude warning the same way', () => {
    const checks = Array.from({ length: 600 }, (_, index) => check(`a-rather-long-check-name-${index}`, 'pass'));
    const body = formatText(report('pass', checks, ['missing']), { ...FORMAT, verbose: true });
    assert.ok(Buffer.byteLength(body) <= MAX_BODY_BYTES);
    assert.ok(body.endsWith('\n…\nreadyz check passed\n'));
    assert.ok(!body.includes('warn: some health checks'), 'the warning is the last line of the listing, so it is cut first');
  });
});

describe('formatTextCheck (/readyz/NAME)', () => {
  it('is "ok" for a passing check, and its line with a newline otherwise', () => {
    assert.equal(formatTextCheck(check('db', 'pass'), true), 'ok');
    assert.equal(formatTextCheck(check('db', 'fail', { reason: 'down' }), true), '[-]db failed: down\n');
    assert.equal(formatTextCheck(check('db', 'warn', { reason: 'slow' }), true), '[!]db warn: slow\n');
    assert.equal(formatTextCheck(check('db', 'fail', { reason: 'down' }), false), '[-]db failed: reason withheld\n');
  });
});
