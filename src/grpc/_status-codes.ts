/**
 * gRPC status codes (grpc/grpc `doc/statuscodes.md`), the few shipshape answers with and
 * the names its client reports, without loading `@grpc/grpc-js` for its `status` enum.
 */

/** Every code's name, by number. */
export const STATUS_CODE_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

export const OK = 0;
export const UNKNOWN = 2;
export const NOT_FOUND = 5;
export const RESOURCE_EXHAUSTED = 8;
export const INTERNAL = 13;
export const UNAVAILABLE = 14;

/** `NOT_FOUND` for 5; a code gRPC does not define is shown as its number. */
export function codeName(code: number): string {
  return STATUS_CODE_NAMES[code] ?? `code ${code}`;
}
