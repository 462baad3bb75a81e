import { createPipeline } from '@dc/core';
import { tinyDenseModel } from '@dc/core/testing';
import { huffmanEncode } from '@dc/huffman';
import { pruneLowMagnitude } from '@dc/prune';
import { clusterWeights } from '@dc/quantize';
import { describe, expect, it } from 'vitest';
import type { DemoResult } from '../result.js';
import { chartData } from './chart-data.js';
import { layerRows, renderLayerTable } from './table.js';

describe('the per-layer table and chart read the stages’ metric rows', () => {
  it('shows each kernel’s size and kept share from the Huffman rows', async () => {
    const model = tinyDenseModel(1, 64, 32);
    const { report, artifacts } = await createPipeline()
      .use(pruneLowMagnitude({ sparsity: { fc1: 0.9, fc2: 0.5 } }))
      .use(clusterWeights({ bits: 4 }))
      .use(huffmanEncode())
      .run(model);
    const rows = layerRows(report);
    expect(rows.map((r) => [r.tensor, r.params, r.kept])).toEqual([
      ['fc1/kernel', 2048, 205],
      ['fc2/kernel', 320, 160],
    ]);
    const fileBytes = artifacts['encode/file']!.bytes.length;
    const result = { compressionRatio: report.originalBytes / fileBytes, testError: 0.1, baselineTestError: 0.1, fileBytes, originalBytes: report.originalBytes };
    const table = renderLayerTable('tiny-mlp', rows, result);
    expect(table).toMatch(/^fc1\s+2,048\s+10\.0% \(-\)/m);
    expect(table).toMatch(/^fc2\s+320\s+50\.0% \(-\)/m);
    const charts = chartData({ ...result, pipeline: report, layers: rows } as unknown as DemoResult, 0.9, 0.9, [{ phase: 'baseline', model }]);
    expect(charts.layers.map((l) => [l.layer, l.keptPercent])).toEqual([
      ['fc1', (100 * 205) / 2048],
      ['fc2', 50],
    ]);
  });
});
