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
  return fitListing(lines.length === 0 ? `${last}\n` : `${lines.join('\n')}\n${last}\n`, MAX_BODY_BYTES);
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

/**
 * Cuts a listing to at most `maxBytes` at line boundaries, keeping its closing line:
 * trailing check lines give way to a `…` line. The kubelet reads 10 KiB of a probe's body;
 * Docker keeps 4 KiB of a health check's output (`shipshape probe`). A text without line
 * breaks to cut at (another server's body) is cut at a character boundary.
 */
export function fitListing(body: string, maxBytes: number): string {
  if (Buffer.byteLength(body) <= maxBytes) return body;
  const lines = body.replace(/\n$/, '').split('\n');
  const last = lines.pop() ?? '';
  const kept: string[] = [];
  let size = Buffer.byteLength(`…\n${last}\n`);
  for (const line of lines) {
    size += Buffer.byteLength(line) + 1;
    if (size > maxBytes) break;
    kept.push(line);
  }
  const fitted = `${kept.map((line) => `${line}\n`).join('')}…\n${last}\n`;
  return Buffer.byteLength(fitted) <= maxBytes ? fitted : cutBytes(body, maxBytes);
}

// --- internal ---

/** The first `maxBytes` of `text` (an ellipsis line included), cut before a UTF-8 continuation byte. */
function cutBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  let end = Math.max(maxBytes - Buffer.byteLength('…\n'), 0);
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return `${bytes.subarray(0, end).toString('utf8')}…\n`;
}
