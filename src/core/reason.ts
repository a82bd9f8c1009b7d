/**
 * Turns whatever a check threw into the short, single-line, redacted reason that the
 * probe listing, the JSON `output` and the logs show.
 */
import { redact } from './redact.js';

/** Reasons are capped so a probe body stays far below the 10 KiB the kubelet reads. */
export const MAX_REASON_LENGTH = 200;

/**
 * The short reason for a failure: the error's message (or its code, or its string form),
 * redacted, on one line, at most `maxLength` characters ({@link MAX_REASON_LENGTH} unless
 * told: a command's usage error, which lists what is accepted, may be longer).
 */
export function toReason(error: unknown, maxLength = MAX_REASON_LENGTH): string {
  const raw = messageOf(error);
  const line = redact(raw).replace(/\s+/g, ' ').trim() || 'failed';
  return line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line;
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    // Node's net.connect with autoSelectFamily throws an AggregateError with an empty
    // message when every address is refused; its parts say what happened.
    const parts = [...new Set(error.errors.map(messageOf))];
    return error.message ? `${error.message}: ${parts.join('; ')}` : parts.join('; ');
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (error.message) return error.message;
    if (typeof code === 'string') return code;
    return error.name;
  }
  if (typeof error === 'string') return error;
  return String(error);
}
