/** The byte table of {@link describeContainer} as text rows and a plain-text table. */
import { isCompactHeaderVersion } from './compact-header.js';
import type { ContainerDescription } from './describe.js';

/** One row of the byte table. */
export interface ByteTableRow {
  /** `header`, `padding`, `total`, `<tensor key> <role>`, or `<tensor key> positions` (a seeded tensor's, 0 bytes: in the header). */
  readonly section: string;
  /** What the section holds, e.g. `5-bit symbols ×17640`, `f32 ×300` or `f32 ×255 (range -127..127)`. */
  readonly content: string;
  readonly encoding: string;
  readonly bytes: number;
  /** Bytes of code tables within the section (`null`: unknown). */
  readonly tableBytes: number | null;
  /** Share of the file, 0..1. */
  readonly share: number;
}

/** The rows of the byte table: the header (preamble included), each stream, the padding, the total. */
export function byteTableRows(d: ContainerDescription): ByteTableRow[] {
  const share = (n: number) => (d.fileBytes === 0 ? 0 : n / d.fileBytes);
  // Versions 3 and 7 have the compact header; 1, 2 and the model.json-record versions 4-6, 8 and 9 a JSON one.
  const kind = isCompactHeaderVersion(d.version) ? 'compact header' : 'JSON';
  const head = `${d.header.deflated ? `deflated ${kind} (${d.header.jsonBytes} B inflated)` : kind} + ${d.preambleBytes} B preamble, format v${d.version}`;
  const rows: ByteTableRow[] = [{ section: 'header', content: head, encoding: '', bytes: d.totals.header, tableBytes: 0, share: share(d.totals.header) }];
  for (const t of d.tensors) {
    for (const s of t.streams) {
      const range = s.range ? ` (range ${s.range.first}..${s.range.last})` : '';
      const content = s.type === 'symbols' ? `${s.bits}-bit symbols ×${s.count}` : `${s.type} ×${s.count}${range}`;
      rows.push({ section: `${t.key} ${s.role}`, content, encoding: s.encoding, bytes: s.bytes, tableBytes: s.tableBytes, share: share(s.bytes) });
    }
    if (t.connectivity) {
      // No gaps stream: the positions come from seed and keep, in the header (counted in its row).
      const content = `${t.entries} positions from seed ${t.connectivity.seed}, keep ${t.connectivity.keep}: ${t.positionHeaderBytes} B in the header`;
      rows.push({ section: `${t.key} positions`, content, encoding: 'seeded', bytes: 0, tableBytes: 0, share: 0 });
    }
  }
  rows.push({ section: 'padding', content: 'alignment zeros', encoding: '', bytes: d.paddingBytes, tableBytes: 0, share: share(d.paddingBytes) });
  rows.push({ section: 'total', content: '', encoding: '', bytes: d.fileBytes, tableBytes: d.totals.tables, share: 1 });
  return rows;
}

/** The byte table as aligned plain text (for terminals). */
export function formatByteTable(d: ContainerDescription): string {
  const head = ['section', 'content', 'encoding', 'bytes', 'tables', 'share'];
  const body = byteTableRows(d).map((r) => [r.section, r.content, r.encoding, String(r.bytes), r.tableBytes === null ? '?' : String(r.tableBytes), `${(r.share * 100).toFixed(1)}%`]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const right = new Set([3, 4, 5]);
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), ...body.map(line)].join('\n');
}
