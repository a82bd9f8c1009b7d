/**
 * doctor's output: one line a finding and a summary, or the findings as a JSON array.
 * Colour (the level word only) when standard output is a terminal, unless `NO_COLOR` is
 * set (https://no-color.org) or `TERM=dumb`; `FORCE_COLOR` (not `0`) turns it on for
 * pipes, as Node and most CLIs agree.
 */
import type { CliIO } from '../_io.js';
import type { Finding } from '../../jobs/doctor/rules.js';

/** The text report: `error RULE Kind/name container: message` lines, then `2 errors, 1 warning in 3 manifests`. */
export function formatText(findings: readonly Finding[], manifests: number, color: boolean): string {
  const paint = (level: Finding['level']): string => (color ? `${level === 'error' ? RED : YELLOW}${level}${RESET}` : level);
  const lines = findings.map((f) => `${paint(f.level)} ${f.rule} ${f.kind}/${f.name} ${f.container}: ${f.message}`);
  const errors = findings.filter((f) => f.level === 'error').length;
  const warnings = findings.length - errors;
  lines.push(`${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(manifests, 'manifest')}`);
  return `${lines.join('\n')}\n`;
}

/** The `--json` report: the findings, one object each, with the file and line of the field concerned. */
export function formatJson(findings: readonly Finding[]): string {
  return `${JSON.stringify(findings, null, 2)}\n`;
}

/** Whether to colour standard output. */
export function useColor(io: CliIO): boolean {
  const { NO_COLOR, FORCE_COLOR, TERM } = io.env;
  if (NO_COLOR !== undefined && NO_COLOR !== '') return false;
  if (FORCE_COLOR !== undefined && FORCE_COLOR !== '0' && FORCE_COLOR !== 'false') return true;
  if (TERM === 'dumb') return false;
  return (io.stdout as { isTTY?: unknown }).isTTY === true;
}

// --- internal ---

const RED = '\u001B[31m';
const YELLOW = '\u001B[33m';
const RESET = '\u001B[39m';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
