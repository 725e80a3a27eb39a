// Numbers as a learner reads them, the same in verdict notes, the terminal's table and pages.

/** A fraction as a whole percentage, e.g. `97%`; `n/a` when there is none. */
export function percent(fraction: number | null): string {
  return fraction === null ? 'n/a' : `${Math.round(fraction * 100)}%`;
}

/** Bytes per second as MB/s (10^6 bytes, as load generators count), e.g. `110.6 MB/s`. */
export function formatMbps(bytesPerSec: number, decimals = 1): string {
  return `${(bytesPerSec / 1e6).toFixed(decimals)} MB/s`;
}

/** A rate for prose: 19.4, 1,833, 0.52. */
export function formatRate(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A number for a table cell: thousands separators, sensible decimals, `–` for none. */
export function cell(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(decimals);
}
