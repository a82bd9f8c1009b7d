/**
 * The IETF health-check response format (draft-inadarei-api-health-check), served as
 * `application/health+json`: a top-level `status` and a `checks` object whose values are
 * arrays of results.
 */
import type { CheckReport, ProbeReport } from './report.js';

/** Service identity fields of the draft, from the `createProbes` options. */
export interface JsonIdentity {
  readonly serviceId?: string | undefined;
  readonly releaseId?: string | undefined;
  readonly version?: string | undefined;
}

/** The health+json body for a probe report (one check's report for `/readyz/NAME`). */
export function formatJson(report: ProbeReport, identity: JsonIdentity, details: boolean): string {
  const checks: Record<string, object[]> = {};
  for (const check of report.checks) {
    if (!check.excluded) checks[check.name] = [checkResult(check, details)];
  }
  const body: Record<string, unknown> = { status: report.status };
  if (identity.version !== undefined) body.version = identity.version;
  if (identity.releaseId !== undefined) body.releaseId = identity.releaseId;
  if (identity.serviceId !== undefined) body.serviceId = identity.serviceId;
  body.checks = checks;
  if (report.unmatchedExcludes.length > 0) {
    const names = report.unmatchedExcludes.map((name) => `"${name}"`).join(',');
    body.notes = [`some health checks cannot be excluded: no matches for ${names}`];
  }
  return JSON.stringify(body);
}

// --- internal ---

function checkResult(check: CheckReport, details: boolean): object {
  const result: Record<string, unknown> = { status: check.status, time: check.time.toISOString() };
  if (check.observedValue !== undefined) {
    result.observedValue = check.observedValue;
    if (check.observedUnit !== undefined) result.observedUnit = check.observedUnit;
  }
  if (check.status !== 'pass') result.output = details ? (check.reason ?? 'failed') : 'reason withheld';
  return result;
}
