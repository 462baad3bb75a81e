import type { PipelineReport, TensorMetricRow } from '@dc/core';
import { PAPER } from '../paper.js';
import type { DemoResult } from '../result.js';

type Bits = { fixed: number; coded: number } | null;

/** One row of the per-layer table, as the Huffman stage reports it: core's row plus how it was stored. */
export type LayerRow = TensorMetricRow & {
  layout: string;
  weightBits: Bits;
  indexBits: Bits;
  ofOriginal: Bits;
  bytes: number;
};

/** The per-layer rows of the file-writing stage's metrics (`dc:huffman`, `dc:encode`: the last stage that reports layers). */
export function layerRows(report: PipelineReport): LayerRow[] {
  const stage = [...report.stages].reverse().find((s) => Array.isArray(s.metrics.layers));
  return ((stage?.metrics.layers ?? []) as unknown as LayerRow[]).map((r) => ({ ...r }));
}

const pct = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(digits)}%`);
const num = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '-' : x.toFixed(digits));
const pair = (b: Bits) => (b ? `${num(b.fixed)} / ${num(b.coded)}` : '-');

/**
 * The paper's tables 2 and 3 for this run: per layer weights, kept %, bits per weight and per index
 * (fixed width / after Huffman), size as % of float32 — each with the paper's figure beside it.
 */
export function renderLayerTable(model: string, rows: LayerRow[], result: Pick<DemoResult, 'compressionRatio' | 'testError' | 'baselineTestError' | 'fileBytes' | 'originalBytes'>): string {
  const paper = model === 'lenet-300-100' || model === 'lenet-5' ? PAPER[model] : undefined;
  const header = ['layer', 'weights', 'kept (paper)', 'weight bits fix/Huff (paper)', 'index bits fix/Huff (paper)', '% of original (paper)'];
  const body = rows.map((r) => {
    const layer = r.tensor.replace(/\/kernel$/, '');
    const p = paper?.layers.find((l) => l.name === layer);
    return [
      layer,
      r.params.toLocaleString('en'),
      `${pct(r.keptFraction)} (${p ? pct(p.kept, 0) : '-'})`,
      `${pair(r.weightBits)} (${p ? p.weightBits.join(' / ') : '-'})`,
      `${pair(r.indexBits)} (${p ? p.indexBits.join(' / ') : '-'})`,
      `${pct(r.ofOriginal?.coded, 2)} (${p ? pct(p.ofOriginal[1], 2) : '-'})`,
    ];
  });
  const total = [
    'file',
    `${result.originalBytes.toLocaleString('en')} B`,
    '',
    '',
    '',
    `${pct(result.fileBytes / result.originalBytes, 2)} (${paper ? pct(paper.total.ofOriginal[1], 2) : '-'})`,
  ];
  const lines = [header, ...body, total];
  const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  const fmt = (l: string[]) => l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const summary = [
    `compression ${result.compressionRatio.toFixed(1)}× (${result.fileBytes.toLocaleString('en')} bytes written)${paper ? `, paper ${paper.ratio}×` : ''}`,
    `test error ${pct(result.testError, 2)} from the file (baseline ${pct(result.baselineTestError, 2)})${paper ? `, paper ${pct(paper.compressedError, 2)} (baseline ${pct(paper.baselineError, 2)})` : ''}`,
  ];
  return [fmt(header), ...body.map(fmt), fmt(total), '', ...summary].join('\n');
}
