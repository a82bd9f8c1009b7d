/**
 * Byte counts for reasons: `1.5 GiB`, `512 MiB`, `900 B` (binary units, as Kubernetes
 * resource quantities `Mi`/`Gi` count them).
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/** `bytes` in the largest binary unit that keeps it ≥ 1, to three significant digits (`1.5 GiB`, `12.3 MiB`, `900 KiB`). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text = unit === 0 || value >= 100 ? String(Math.round(value)) : String(Number(value.toPrecision(3)));
  return `${text} ${UNITS[unit]}`;
}
