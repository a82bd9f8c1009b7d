/**
 * The size of what `shipshape probe` prints: Docker keeps the first 4 KiB of a health
 * check's output (`docker inspect` … `.State.Health.Log[].Output`; moby
 * `daemon/health.go`, `maxOutputLen = 4096`), and the kubelet shows probe output in an event
 * message. A listing is cut at line boundaries keeping its closing line; a health+json body
 * leaves checks out (passing ones first) and says so in `notes`, so that it stays JSON.
 */
import { fitListing } from '../../core/format-text.js';

/** What Docker keeps of a health check's output. */
export const MAX_OUTPUT_BYTES = 4096;

/** `text` ending with a newline and at most {@link MAX_OUTPUT_BYTES} long. */
export function capOutput(text: string, json: boolean): string {
  const line = text.endsWith('\n') ? text : `${text}\n`;
  if (Buffer.byteLength(line) <= MAX_OUTPUT_BYTES) return line;
  if (json) {
    const shrunk = shrinkJson(line);
    if (shrunk !== undefined) return shrunk;
  }
  return fitListing(line, MAX_OUTPUT_BYTES);
}

// --- internal ---

interface HealthJson {
  status?: unknown;
  checks?: Record<string, { status?: unknown }[]>;
  notes?: unknown;
}

function shrinkJson(text: string): string | undefined {
  let body: HealthJson;
  try {
    body = JSON.parse(text) as HealthJson;
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || typeof body.checks !== 'object' || body.checks === null) return undefined;
  const checks = body.checks;
  // passing checks go first, then the others from the last one up
  const order = Object.keys(checks).reverse().sort((a, b) => rank(checks[b]) - rank(checks[a]));
  const notes = Array.isArray(body.notes) ? body.notes : [];
  let left = 0;
  let out = `${JSON.stringify(body)}\n`;
  while (Buffer.byteLength(out) > MAX_OUTPUT_BYTES && left < order.length) {
    delete checks[order[left]!];
    left += 1;
    body.notes = [...notes, `${left} of ${order.length} checks left out to stay under ${MAX_OUTPUT_BYTES} bytes`];
    out = `${JSON.stringify(body)}\n`;
  }
  return Buffer.byteLength(out) <= MAX_OUTPUT_BYTES ? out : undefined;
}

/** 2 for a passing check (left out first), 1 for a warning, 0 for a failure. */
function rank(results: readonly { status?: unknown }[] | undefined): number {
  const status = results?.[0]?.status;
  return status === 'pass' ? 2 : status === 'warn' ? 1 : 0;
}
