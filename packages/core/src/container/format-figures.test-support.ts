/**
 * The figures docs/format.md quotes, computed from the shipped sample files so that they cannot
 * drift: the example header (§2), real header sizes (§3) and the size breakdown (§6). `format-doc.test.ts` checks the
 * document against them; `pnpm docs:figures` rewrites its generated blocks.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readContainerHeader } from './decode.js';
import { describeContainer } from './describe.js';
import { encodeContainer } from './encode.js';
import { readPreamble } from './framing.js';

/** The repository's root folder. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The document whose generated blocks these are. */
export const FORMAT_DOC = `${REPO_ROOT}docs/format.md`;
/** The shipped sample files the figures come from. */
export const SAMPLE_FILES = ['lenet-300-100', 'lenet-5'].map((m) => `apps/demo/compressed/${m}.dcm`);

const fmt = (n: number): string => n.toLocaleString('en-US');
const pct = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`;

function load(path: string): Uint8Array {
  return new Uint8Array(readFileSync(`${REPO_ROOT}${path}`));
}

/** The example header: the first shipped file's, with the tensors after the first two left out. */
function exampleHeader(): string {
  const bytes = load(SAMPLE_FILES[0]);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const header = readPreamble(bytes).header as { model: unknown; stages: unknown[]; decoders: unknown; tensors: Array<{ streams: Record<string, unknown> }> };
  const line = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(line).join(', ')}]`;
    if (typeof v === 'object' && v !== null) return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${line(x)}`).join(', ')}}`;
    return JSON.stringify(v);
  };
  const tensor = (t: (typeof header.tensors)[number]): string => {
    const { streams, ...fields } = t;
    const inner = line(fields).slice(0, -1);
    const rows = Object.entries(streams).map(([role, s]) => `        ${JSON.stringify(role)}: ${line(s)}`);
    return `    ${inner}, "streams": {\n${rows.join(',\n')}\n      }\n    }`;
  };
  const model = header.model as { name: string; inputShape: number[]; layers: unknown[] };
  return [
    '```jsonc',
    `// ${SAMPLE_FILES[0]}: its ${readPreamble(bytes).version >= 3 ? 'compact header (§2.9; ' : 'header ('}${fmt(view.getUint32(16, true))} bytes stored deflated, ${fmt(view.getUint32(24, true))} inflated; D = ${fmt(readPreamble(bytes).dataStart)}), ${readPreamble(bytes).version >= 3 ? 'in its JSON form, ' : ''}re-indented`,
    '{',
    `  "model": { "name": ${JSON.stringify(model.name)}, "inputShape": ${line(model.inputShape)}, "layers": [`,
    model.layers.map((l) => `    ${line(l)}`).join(',\n'),
    '  ] },',
    '  "stages": [',
    header.stages.map((s) => `    ${line(s)}`).join(',\n'),
    '  ],',
    `  "decoders": ${line(header.decoders)},`,
    '  "tensors": [',
    `${header.tensors.slice(0, 2).map(tensor).join(',\n')},`,
    `    // … ${header.tensors.length - 2} more tensors`,
    '  ]',
    '}',
    '```',
  ].join('\n');
}

/** The size breakdown of each shipped file. */
function sizeTable(): string {
  const rows = SAMPLE_FILES.map((path) => {
    const d = describeContainer(load(path));
    const { totals } = d;
    const streams = d.tensors.flatMap((t) => t.streams);
    const coded = (encoding: string) => streams.reduce((n, s) => n + (s.encoding === encoding ? s.bytes : 0), 0);
    const params = d.tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    return [
      `\`${path.split('/').pop()}\``,
      fmt(d.fileBytes),
      `${fmt(d.header.bytes)} (${pct(d.header.bytes, d.fileBytes)}; v${d.version}, ${fmt(d.header.jsonBytes)} inflated)`,
      [totals.codes, totals.gaps, totals.codebook, totals.values].map(fmt).join(' / '),
      `${fmt(coded('huffman'))} / ${fmt(coded('rans'))}`,
      fmt(d.paddingBytes),
      fmt(params),
      `${((params * 4) / d.fileBytes).toFixed(1)}×`,
    ];
  });
  return [
    '| file | bytes | header stored (share; version, inflated bytes) | codes / gaps / codebooks / values bytes | of which `huffman` / `rans` | padding | parameters | ratio (float32 bytes / file) |',
    '|---|---:|---|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** How large real headers are: the shipped files' and that of a 1,000-layer model, as written now. */
function headerSizes(): string {
  const shipped = SAMPLE_FILES.map((path) => new TextEncoder().encode(JSON.stringify(readContainerHeader(load(path)))).length);
  const compact = SAMPLE_FILES.map((path) => describeContainer(load(path)).header.jsonBytes);
  const layers = Array.from({ length: 1000 }, (_, i) => ({
    name: `block_${i}_dense`,
    config: { kind: 'dense' as const, units: 8, activation: 'relu' as const, useBias: true },
    params: { kernel: { shape: [8, 8], values: new Float32Array(64).fill(0.5) }, bias: { shape: [8], values: new Float32Array(8).fill(0.1) } },
  }));
  const deep = encodeContainer({ model: { name: 'deep', inputShape: [8], layers }, stages: [{ name: 'dc:test', options: {} }] });
  const json = new TextEncoder().encode(JSON.stringify(deep.header)).length;
  return `Header sizes, for scale: the shipped files' headers are ${shipped.map(fmt).join(' and ')} bytes as JSON (${compact.map(fmt).join(' and ')} in the compact form they are stored in, §2.9); a chain of 1,000 dense layers, each with a kernel and a bias (8 units, names like \`block_999_dense\`), makes ${fmt(json)} bytes.`;
}

/** Generated blocks of the document by name: `<!-- generated:NAME -->` … `<!-- /generated -->`. */
export function formatFigures(): Record<string, string> {
  return { 'example-header': exampleHeader(), sizes: sizeTable(), 'header-sizes': headerSizes() };
}

/** `doc` with each generated block replaced by its current content. */
export function rewriteGenerated(doc: string, blocks: Record<string, string>): string {
  return doc.replace(/(<!-- generated:([\w-]+) -->\n)[\s\S]*?(<!-- \/generated -->)/g, (all, open: string, name: string, close: string) =>
    name in blocks ? `${open}${blocks[name]}\n${close}` : all,
  );
}
