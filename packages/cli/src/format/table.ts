/** Plain-text tables for the terminal: a header row, aligned columns, numbers right-aligned. */

/** One cell: text, or a number shown with thousands separators. */
export type Cell = string | number;

/** Renders rows under `header`; numeric columns are right-aligned. */
export function renderTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toLocaleString('en') : c)))];
  const widths = header.map((_, i) => Math.max(...text.map((r) => String(r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === ''));
  const line = (r: readonly Cell[]) => r.map((c, i) => (numeric[i] ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ').trimEnd();
  return [line(text[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...text.slice(1).map(line)].join('\n');
}
