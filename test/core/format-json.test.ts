/** The IETF health+json format (src/core/format-json.ts): status, identity, checks, notes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckStatus } from '../../src/core/check.js';
import { formatJson } from '../../src/core/format-json.js';
import type { CheckReport, ProbeReport } from '../../src/core/report.js';

const TIME = new Date('2026-01-02T03:04:05.678Z');

function check(name: string, status: CheckStatus, extra: Partial<CheckReport> = {}): CheckReport {
  return { name, status, excluded: false, time: TIME, durationMs: 1, ...extra };
}

function report(status: CheckStatus, checks: CheckReport[], unmatchedExcludes: string[] = []): ProbeReport {
  return { probe: 'readiness', status, checks, unmatchedExcludes };
}

const parse = (body: string): Record<string, unknown> => JSON.parse(body) as Record<string, unknown>;

describe('formatJson', () => {
  it('gives the status and one result array per check, with its time in ISO 8601', () => {
    const body = formatJson(report('pass', [check('db', 'pass'), check('cache', 'pass')]), {}, true);
    assert.deepEqual(parse(body), {
      status: 'pass',
      checks: { db: [{ status: 'pass', time: '2026-01-02T03:04:05.678Z' }], cache: [{ status: 'pass', time: '2026-01-02T03:04:05.678Z' }] },
    });
  });

  it('adds version, releaseId and serviceId when given, in that order, before checks', () => {
    const body = formatJson(report('pass', []), { serviceId: 'svc-1', releaseId: 'r42', version: '3' }, true);
    assert.deepEqual(Object.keys(parse(body)), ['status', 'version', 'releaseId', 'serviceId', 'checks']);
    assert.deepEqual(parse(body), { status: 'pass', version: '3', releaseId: 'r42', serviceId: 'svc-1', checks: {} });
    assert.deepEqual(Object.keys(parse(formatJson(report('pass', []), { releaseId: 'r42', version: undefined }, true))), ['status', 'releaseId', 'checks']);
  });

  it('reports observedValue with its observedUnit, falsy values included; a unit alone is left out', () => {
    const checks = [
      check('db', 'pass', { observedValue: 3.2, observedUnit: 'ms' }),
      check('zero', 'pass', { observedValue: 0, observedUnit: 'ms' }),
      check('flag', 'pass', { observedValue: false }),
      check('unit-only', 'pass', { observedUnit: 'ms' }),
    ];
    const { checks: results } = parse(formatJson(report('pass', checks), {}, true)) as { checks: Record<string, [Record<string, unknown>]> };
    assert.deepEqual(results.db?.[0], { status: 'pass', time: TIME.toISOString(), observedValue: 3.2, observedUnit: 'ms' });
    assert.deepEqual(results.zero?.[0], { status: 'pass', time: TIME.toISOString(), observedValue: 0, observedUnit: 'ms' });
    assert.deepEqual(results.flag?.[0], { status: 'pass', time: TIME.toISOString(), observedValue: false });
    assert.deepEqual(results['unit-only']?.[0], { status: 'pass', time: TIME.toISOString() });
  });

  it('gives an output on warn and fail only: the reason, "failed" without one, "reason withheld" with details: false', () => {
    const checks = [check('db', 'fail', { reason: 'ECONNREFUSED' }), check('cache', 'warn', { reason: 'slow' }), check('bare', 'fail'), check('ok', 'pass', { reason: 'ignored' })];
    const shown = parse(formatJson(report('fail', checks), {}, true)) as { status: string; checks: Record<string, [{ output?: string }]> };
    assert.equal(shown.status, 'fail');
    assert.deepEqual(Object.fromEntries(Object.entries(shown.checks).map(([name, [result]]) => [name, result.output])), {
      db: 'ECONNREFUSED',
      cache: 'slow',
      bare: 'failed',
      ok: undefined,
    });
    const hidden = parse(formatJson(report('fail', checks), {}, false)) as { checks: Record<string, [{ output?: string }]> };
    assert.deepEqual(Object.values(hidden.checks).map(([result]) => result.output), ['reason withheld', 'reason withheld', 'reason withheld', undefined]);
  });

  it('leaves excluded checks out', () => {
    const body = parse(formatJson(report('pass', [check('db', 'pass', { excluded: true }), check('cache', 'pass')]), {}, true));
    assert.deepEqual(Object.keys(body.checks as object), ['cache']);
  });

  it('notes ?exclude= names that matched no check', () => {
    const body = parse(formatJson(report('pass', [], ['cach', 'qeue']), {}, true));
    assert.deepEqual(body.notes, ['some health checks cannot be excluded: no matches for "cach","qeue"']);
    assert.equal('notes' in parse(formatJson(report('pass', []), {}, true)), false);
  });

  it('is one line of JSON', () => {
    const body = formatJson(report('warn', [check('cache', 'warn', { reason: 'a\nb' })]), { version: '1' }, true);
    assert.ok(!body.includes('\n'));
    assert.equal((parse(body).checks as Record<string, [{ output: string }]>).cache?.[0].output, 'a\nb');
  });
});
