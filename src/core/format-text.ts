/**
 * The Kubernetes API server's health text format (`k8s.io/apiserver/pkg/server/healthz`):
 * `ok` when the probe passes; otherwise one line a check and a closing line.
 *
 * ```
 * [+]db ok
 * [-]cache failed: 10.0.0.2:11211 not responding
 * readyz check failed
 * ```
 */
import type { CheckReport, ProbeReport } from './report.js';

/** What the formatter needs besides the report. */
export interface TextFormat {
  /** The closing line's word: the path's last segment (`readyz`). */
  readonly word: string;
  /** `?verbose`: list the checks on success too. */
  readonly verbose: boolean;
  /** `false` replaces every reason with `reason withheld`. */
  readonly details: boolean;
}

/** The kubelet reads at most 10 KiB of a probe's body. */
export const MAX_BODY_BYTES = 10 * 1024;

/** The text body for a whole probe. */
export function formatText(report: ProbeReport, format: TextFormat): string {
  if (report.status !== 'fail' && !format.verbose) return 'ok';
  const lines = report.checks.map((check) => checkLine(check, format.details));
  if (report.unmatchedExcludes.length > 0) {
    const names = report.unmatchedExcludes.map((name) => `"${name}"`).join(',');
    lines.push(`warn: some health checks cannot be excluded: no matches for ${names}`);
  }
  const last = `${format.word} check ${report.status === 'fail' ? 'failed' : 'passed'}`;
  return fit(lines, last);
}

/** The text body for one check (`/readyz/db`): `ok`, or its failure line. */
export function formatTextCheck(check: CheckReport, details: boolean): string {
  return check.status === 'pass' ? 'ok' : `${checkLine(check, details)}\n`;
}

/** One listing line: `[+]db ok`, `[!]db warn: …`, `[-]db failed: …`, `[+]db excluded: ok`. */
export function checkLine(check: CheckReport, details: boolean): string {
  if (check.excluded) return `[+]${check.name} excluded: ok`;
  if (check.status === 'pass') return `[+]${check.name} ok`;
  const reason = details ? (check.reason ?? 'failed') : 'reason withheld';
  return check.status === 'warn' ? `[!]${check.name} warn: ${reason}` : `[-]${check.name} failed: ${reason}`;
}

// --- internal ---

/** Joins the lines, dropping trailing ones (never the closing line) to stay under the limit. */
function fit(lines: string[], last: string): string {
  let body = lines.length === 0 ? `${last}\n` : `${lines.join('\n')}\n${last}\n`;
  if (Buffer.byteLength(body) <= MAX_BODY_BYTES) return body;
  const kept: string[] = [];
  let size = Buffer.byteLength(`…\n${last}\n`);
  for (const line of lines) {
    size += Buffer.byteLength(line) + 1;
    if (size > MAX_BODY_BYTES) break;
    kept.push(line);
  }
  body = `${kept.join('\n')}\n…\n${last}\n`;
  return body;
}
