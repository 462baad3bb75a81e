import { describe, expect, it } from 'vitest';
import { loadGraphModelArtifacts, type GraphModelSource } from '@dc/graph-model';
import { writeGraphModelFixture } from '@dc/graph-model/testing';
import { cautiousBits } from '../no-retrain/cautious-bits.js';
import { graphCompressTensorWith } from '../no-retrain/graph-compress-tensor.js';
import { graphAllocationFromFlags, GRAPH_DEFAULTS } from './compress-graph.js';

/** The fixture with its dense kernel as the manifest of a `--quantize_uint8` model stores it. */
async function withUint8Kernel(): Promise<GraphModelSource> {
  const source = await loadGraphModelArtifacts(await writeGraphModelFixture());
  return { ...source, tensors: source.tensors.map((t) => (t.name === 'model/fc/weights' ? { ...t, quantization: 'uint8' as const } : t)) };
}

describe('graphAllocationFromFlags', () => {
  it('by default prunes nothing and codes each eligible float weight with per-channel scales along its output channels, in 8 bits or the finer grid the cautious rule picks', async () => {
    const source = await loadGraphModelArtifacts(await writeGraphModelFixture());
    expect(GRAPH_DEFAULTS).toEqual({ sparsity: 0, bits: 8 });
    const compress = graphCompressTensorWith(undefined, source);
    const weight = (name: string) => source.tensors.find((t) => t.name === name)!.values as Float32Array;
    // Kernels of 432 and 640 weights: a 256-entry codebook outweighs their codes, so both take a grid.
    expect(graphAllocationFromFlags(source, {})).toEqual({
      'model/conv/weights': { sparsity: 0, bits: cautiousBits(weight('model/conv/weights'), 16, compress), channels: 16 },
      'model/fc/weights': { sparsity: 0, bits: cautiousBits(weight('model/fc/weights'), 40, compress), channels: 40 },
    });
    for (const bits of Object.values(graphAllocationFromFlags(source, {})).map((a) => a.bits)) expect(bits).toBeGreaterThan(8);
    expect(graphAllocationFromFlags(source, { bits: 8 })['model/fc/weights']).toEqual({ sparsity: 0, bits: 8, channels: 40 });
  });

  it('leaves a weight the manifest stores in uint8 levels as stored unless --sparsity or --bits names it or sets *', async () => {
    const source = await withUint8Kernel();
    expect(Object.keys(graphAllocationFromFlags(source, {}))).toEqual(['model/conv/weights']);
    expect(Object.keys(graphAllocationFromFlags(source, { sparsity: { 'model/conv/weights': 0.5 } }))).toEqual(['model/conv/weights']);
    expect(graphAllocationFromFlags(source, { bits: 6 })['model/fc/weights']).toEqual({ sparsity: 0, bits: 6, channels: 40 });
    expect(graphAllocationFromFlags(source, { sparsity: { 'model/fc/weights': 0.3 } })['model/fc/weights']).toEqual({ sparsity: 0.3, bits: 8, channels: 40 });
  });
});
