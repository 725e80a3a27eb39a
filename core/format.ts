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

/** Text for HTML or SVG: the five characters that could open markup or end an attribute, escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Bytes as the table's KB columns count them (1 KB = 1024 bytes): 741 MB, 12.3 KB, 512 B. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${Math.round(bytes)} B`;
}

/** A number for a table cell: thousands separators, sensible decimals, `–` for none. */
export function cell(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(decimals);
}
