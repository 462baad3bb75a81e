/** `dc inspect <file>`: what a `.dcm` holds — per node (kind, shape, parameters, kept, bits, bytes) and per section. */
import { readFile } from 'node:fs/promises';
import { checkGraph, decodeContainer, describeContainer, formatByteTable, readContainerHeader, type CompressedModel, type CompressedTensor, type ContainerDescription, type Preprocessing, type TrainingRecord } from '@dc/core';
import { huffmanDecoder } from '@dc/huffman/decode';
import { ransDecoder } from '@dc/rans/decode';
import { renderTable } from '../format/table.js';

/** One node of the per-node table. */
export interface InspectedNode {
  readonly name: string;
  readonly kind: string;
  /** The node's config as the file states it, without `kind`. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly inputs: readonly string[];
  readonly outputShape: readonly number[];
  /** Parameters (all tensors of the node). */
  readonly params: number;
  /** Stored nonzero entries of its tensors. */
  readonly kept: number;
  /** Bits per code of its kernel, when clustered. */
  readonly bits: number | null;
  /** Bytes of its tensors' sections. */
  readonly bytes: number;
}

/** What `dc inspect --json` prints. */
export interface InspectResult {
  readonly file: string;
  readonly name: string;
  readonly fileBytes: number;
  readonly float32Bytes: number;
  readonly ratio: number;
  readonly opset: number;
  readonly inputShape: readonly number[];
  readonly preprocessing: CompressedModel['preprocessing'] | null;
  /** The loss the file records the model was trained with, or null. */
  readonly training: TrainingRecord | null;
  readonly stages: readonly string[];
  readonly nodes: readonly InspectedNode[];
  readonly sections: ContainerDescription;
}

/** Stored nonzero elements of a tensor. */
export function keptOf(t: CompressedTensor): number {
  if (t.layout === 'sparse' || t.layout === 'sparse-coded') return t.positions.length;
  if (t.layout === 'dense') return t.values.reduce((n, v) => n + (v === 0 ? 0 : 1), 0);
  let n = 0;
  for (const c of t.codes) if (t.codebook[c] !== 0) n++;
  return n;
}

/** Bits per code of a clustered tensor (from its codebook's size), or null for a float one. */
function codeBitsOf(t: CompressedTensor): number | null {
  return t.layout === 'sparse-coded' || t.layout === 'dense-coded' ? Math.max(1, Math.ceil(Math.log2(t.codebook.length))) : null;
}

/** Inspects the file at `path`. */
export async function inspectFile(path: string): Promise<InspectResult> {
  const bytes = new Uint8Array(await readFile(path));
  const decoders = [huffmanDecoder, ransDecoder];
  const cm = decodeContainer(bytes, { decoders });
  const sections = describeContainer(bytes, { decoders });
  const graph = checkGraph(cm, 'BAD_HEADER', { params: false });
  let params = 0;
  const nodes = graph.nodes.map((n) => {
    const tensors = Object.keys(n.params).map((p) => ({ key: `${n.name}/${p}`, t: cm.tensors.get(`${n.name}/${p}`)! }));
    const count = tensors.reduce((s, { t }) => s + t.shape.reduce((a, b) => a * b, 1), 0);
    params += count;
    const kernel = cm.tensors.get(`${n.name}/kernel`);
    return {
      name: n.name,
      kind: n.config.kind,
      config: Object.fromEntries(Object.entries(n.config).filter(([key]) => key !== 'kind')),
      inputs: n.inputs,
      outputShape: n.outputShape,
      params: count,
      kept: tensors.reduce((s, { t }) => s + keptOf(t), 0),
      bits: kernel ? codeBitsOf(kernel) : null,
      bytes: sections.tensors.filter((t) => tensors.some((x) => x.key === t.key)).reduce((s, t) => s + t.bytes, 0),
    };
  });
  return {
    file: path,
    name: cm.name,
    fileBytes: bytes.length,
    float32Bytes: params * 4,
    ratio: (params * 4) / bytes.length,
    opset: readContainerHeader(bytes).opset,
    inputShape: cm.inputShape,
    preprocessing: cm.preprocessing ?? null,
    training: cm.training ?? null,
    stages: cm.stages.map((s) => s.name),
    nodes,
    sections,
  };
}

/** A file's input scaling record as `dc inspect` shows it. */
export function formatPreprocessing(p: Preprocessing | null | undefined): string {
  return p ? `x = raw × [${p.scale.join(', ')}] + [${p.offset.join(', ')}]` : 'none recorded';
}

/** A file's training record as `dc inspect` shows it: the loss and its options. */
export function formatTraining(t: TrainingRecord | null): string {
  if (!t) return 'no loss recorded';
  const options = [...(t.fromLogits ? ['from logits'] : []), ...(t.huberDelta === undefined ? [] : [`delta ${t.huberDelta}`])];
  return options.length > 0 ? `${t.loss} (${options.join(', ')})` : t.loss;
}

/** A node's kind with what tells it apart at a glance: its activation (unless linear) and that activation's, a dropout's or a mask's parameters. */
export function describeKind(n: Pick<InspectedNode, 'kind' | 'config'>): string {
  const c = n.config;
  const details = [
    ...(typeof c.activation === 'string' && c.activation !== 'linear' ? [c.activation] : []),
    ...(['alpha', 'maxValue', 'axis', 'theta', 'maskValue', 'trailingAxes'] as const).filter((key) => c[key] !== undefined).map((key) => `${key} ${String(c[key])}`),
    ...(n.kind === 'dropout' && typeof c.variant === 'string' ? [c.variant] : []),
    ...(n.kind === 'resizing' ? [`${String(c.interpolation)} to ${(c.size as number[]).join(' × ')}`] : []),
    ...(Array.isArray(c.sharedAxes) ? [`shared axes [${c.sharedAxes.join(', ')}]`] : []),
  ];
  return details.length > 0 ? `${n.kind} (${details.join(', ')})` : n.kind;
}

/** The human-readable report of {@link inspectFile}. */
export function formatInspect(r: InspectResult): string {
  const pct = (n: number, d: number) => (d === 0 ? '' : `${((100 * n) / d).toFixed(1)}%`);
  const rows = r.nodes.map((n) => [n.name, describeKind(n), n.inputs.join(', '), `[${n.outputShape.join(', ')}]`, n.params, n.params ? pct(n.kept, n.params) : '', n.bits ?? '', n.bytes]);
  return [
    `${r.file}: model "${r.name}", ${r.fileBytes.toLocaleString('en')} bytes, ${r.ratio.toFixed(1)}× smaller than its float32 parameters (${r.float32Bytes.toLocaleString('en')} B); op set ${r.opset}`,
    `input [${r.inputShape.join(', ')}], preprocessing: ${formatPreprocessing(r.preprocessing)}; trained with ${formatTraining(r.training)}; made by ${r.stages.join(' → ') || '(no provenance)'}`,
    '',
    renderTable(['node', 'kind', 'inputs', 'output', 'params', 'kept', 'bits', 'bytes'], rows),
    '',
    formatByteTable(r.sections),
  ].join('\n');
}
