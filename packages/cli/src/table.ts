/** Human output: aligned tables and key-value blocks. Pure; colour is applied by the caller's `style`. */

/** Code points, not UTF-16 units: masks carry `…`, which must count as one column. */
const width = (text: string): number => [...text].length;

/**
 * Columns padded to their widest cell, two spaces apart, the last one unpadded, every line
 * ending in a newline. `header` styles the header row after padding, so escapes never skew it.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], header: (text: string) => string = (t) => t): string {
  const widths = headers.map((title, column) => Math.max(width(title), ...rows.map((row) => width(row[column] ?? ''))));
  const line = (cells: readonly string[], style: (text: string) => string) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? style(cell) : style(cell + ' '.repeat((widths[column] ?? 0) - width(cell)))))
      .join('  ')
      .trimEnd();
  return [
    line(headers, header),
    ...rows.map((row) =>
      line(
        headers.map((_, column) => row[column] ?? ''),
        (t) => t,
      ),
    ),
  ]
    .map((l) => `${l}\n`)
    .join('');
}

/** `label  value` lines with the labels padded to one width. */
export function formatFields(fields: readonly (readonly [string, string])[], label: (text: string) => string = (t) => t): string {
  const labelWidth = Math.max(0, ...fields.map(([name]) => width(name)));
  return fields.map(([name, value]) => `${label(name + ' '.repeat(labelWidth - width(name)))}  ${value}\n`).join('');
}

/** An ISO time as `2026-01-31 14:05Z` (UTC, to the minute), or `empty` when there is none. */
export const formatTime = (iso: string | null | undefined, empty = '-'): string =>
  iso === null || iso === undefined ? empty : `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;
