import { createPipeline, decodeContainer, densify, float32Bytes, isDcError, listParams, mapParams, type Codebook, type Model } from '@dc/core';
import { runStageContract, tinyConvModel, tinyDenseModel } from '@dc/core/testing';
import { describe, expect, it } from 'vitest';
import { huffmanDecoder } from '../decode/index.js';
import { huffmanEncode } from './huffman-encode.js';

/** Prunes every kernel of `model` to `keep` by magnitude and clusters the kept weights to `k` levels. */
function pruneAndCluster(model: Model, keep: number, k: number): { model: Model; masks: Map<string, Uint8Array>; codebooks: Map<string, Codebook> } {
  const masks = new Map<string, Uint8Array>();
  const codebooks = new Map<string, Codebook>();
  const out = mapParams(model, (ref) => {
    if (ref.param !== 'kernel') return undefined;
    const v = ref.tensor.values;
    const threshold = [...v].map(Math.abs).sort((a, b) => b - a)[Math.max(0, Math.floor(v.length * keep) - 1)];
    const mask = Uint8Array.from(v, (x) => (Math.abs(x) >= threshold ? 1 : 0));
    const positions = Uint32Array.from(mask.reduce<number[]>((a, m, i) => (m ? [...a, i] : a), []));
    let lo = Infinity;
    let hi = -Infinity;
    positions.forEach((p) => ((lo = Math.min(lo, v[p])), (hi = Math.max(hi, v[p]))));
    const centroids = Float32Array.from({ length: k }, (_, i) => lo + ((hi - lo) * (i + 0.5)) / k);
    const codes = Uint8Array.from(positions, (p) => Math.min(k - 1, Math.floor(((v[p] - lo) / (hi - lo || 1)) * k)));
    const values = new Float32Array(v.length);
    positions.forEach((p, i) => (values[p] = centroids[codes[i]]));
    masks.set(ref.key, mask);
    codebooks.set(ref.key, { bits: Math.ceil(Math.log2(k)), centroids, positions, codes });
    return { shape: ref.tensor.shape, values };
  });
  return { model: out, masks, codebooks };
}

runStageContract('dc:huffman (pruned and clustered)', () => huffmanEncode(), () => {
  const p = pruneAndCluster(tinyDenseModel(), 0.1, 16);
  return { model: p.model, artifacts: { 'prune/masks': p.masks, 'quantize/codebooks': p.codebooks } };
});
runStageContract('dc:huffman (dense conv model, fixed options)', () => huffmanEncode({ gapBits: 3, floatFormat: 'float16', layout: 'sparse' }), () => ({ model: tinyConvModel() }));

describe('huffmanEncode', () => {
  it('writes a file that decodes to the model, and reports the ratio of the bytes written', async () => {
    const p = pruneAndCluster(tinyDenseModel(3, 200, 100), 0.08, 32);
    const result = await createPipeline().use(huffmanEncode()).run(p.model, { artifacts: { 'prune/masks': p.masks, 'quantize/codebooks': p.codebooks } });
    const file = result.artifacts['encode/file']!;
    const report = result.report.stages[0];
    const m = report.metrics as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(report.bytesAfter).toBe(file.bytes.length);
    expect(m.fileBytes).toBe(file.bytes.length);
    expect(m.originalBytes).toBe(float32Bytes(p.model));
    expect(m.ratio).toBeCloseTo(float32Bytes(p.model) / file.bytes.length, 2);
    expect(m.ratio).toBeGreaterThan(15);
    expect(m.fixedFileBytes).toBeGreaterThan(file.bytes.length);
    expect(m.codingSaving).toBeGreaterThan(0);
    // Decoding the bytes again gives the same model as `decoded`, and the pipeline's model.
    const again = decodeContainer(file.bytes, { decoders: [huffmanDecoder] });
    for (const ref of listParams(p.model)) {
      expect(Array.from(densify(again.tensors.get(ref.key)!))).toEqual(Array.from(ref.tensor.values));
      expect(Array.from(densify(file.decoded.tensors.get(ref.key)!))).toEqual(Array.from(ref.tensor.values));
    }
    expect(again.stages).toEqual([{ name: 'dc:huffman', options: { gapBits: 'auto', layout: 'auto', floatFormat: 'float32', order: 'auto', huffman: true } }]);
    // The per-layer table of the paper.
    expect(m.layers.map((l: { tensor: string; layout: string }) => [l.tensor, l.layout])).toEqual([
      ['fc1/kernel', 'sparse-coded'],
      ['fc2/kernel', expect.stringMatching(/coded/)],
    ]);
    const fc1 = m.layers[0];
    // One row shape across stages (core's TensorMetricRow): kept is a count, keptFraction the share.
    expect([fc1.params, fc1.kept, fc1.keptFraction, fc1.bits]).toEqual([20000, 1600, 0.08, 5]);
    expect(m.total).toMatchObject({ params: 20000 + 1000, kept: p.codebooks.get('fc1/kernel')!.positions.length + p.codebooks.get('fc2/kernel')!.positions.length });
    expect(fc1.weightBits.fixed).toBe(5);
    expect(fc1.weightBits.coded).toBeLessThan(5);
    expect(fc1.indexBits.coded).toBeLessThanOrEqual(fc1.indexBits.fixed);
    expect(fc1.entropy.codes).toBeGreaterThan(0);
    expect(fc1.ofOriginal.coded).toBeLessThan(0.06);
    for (const s of m.streams) if (s.symbols >= 10_000) expect(s.bitsPerSymbol).toBeLessThanOrEqual(s.entropy * 1.02 + 0.01);
  });

  it('stores a pruned-only model as sparse float32 values, and pruned values that repeat by their exact codebook', async () => {
    const base = tinyDenseModel(4, 100, 50);
    const p = pruneAndCluster(base, 0.1, 4);
    const pruned = mapParams(base, (r) => {
      const mask = p.masks.get(r.key);
      return mask ? { shape: r.tensor.shape, values: r.tensor.values.map((v, i) => (mask[i] ? v : 0)) } : undefined;
    });
    const result = await createPipeline().use(huffmanEncode()).run(pruned, { artifacts: { 'prune/masks': p.masks } });
    const m = result.report.stages[0].metrics as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(m.layers[0].layout).toBe('sparse');
    expect(m.layers[0].weightBits.fixed).toBe(32);
    expect(m.ratio).toBeGreaterThan(4);
    const decoded = result.artifacts['encode/file']!.decoded;
    expect(Array.from(densify(decoded.tensors.get('fc1/kernel')!))).toEqual(Array.from(pruned.layers[0].params.kernel!.values));
    // Clustered values given without their codebook (4 distinct): coded by their exact codebook, losslessly.
    const repeated = await createPipeline().use(huffmanEncode()).run(p.model, { artifacts: { 'prune/masks': p.masks } });
    expect((repeated.report.stages[0].metrics as Record<string, any>).layers[0].layout).toBe('sparse-coded'); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(Array.from(densify(repeated.artifacts['encode/file']!.decoded.tensors.get('fc1/kernel')!))).toEqual(Array.from(p.model.layers[0].params.kernel!.values));
    expect(repeated.artifacts['encode/file']!.bytes.length).toBeLessThan(result.artifacts['encode/file']!.bytes.length);
  });

  it('refuses to write a file that disagrees with the model, and validates options', async () => {
    const p = pruneAndCluster(tinyDenseModel(), 0.2, 8);
    const off = mapParams(p.model, (r) => (r.key === 'fc1/kernel' ? { shape: r.tensor.shape, values: r.tensor.values.map((v) => v + 1e-3) } : undefined));
    const error = await createPipeline().use(huffmanEncode()).run(off, { artifacts: { 'quantize/codebooks': p.codebooks } }).catch((e: unknown) => e);
    expect(isDcError(error) && [error.code, error.stage, error.tensor]).toEqual(['STALE_ARTIFACT', 'dc:huffman', 'fc1/kernel']);
    // Masks alone never make the file wrong: every nonzero weight is stored, masked or not.
    const unpruned = await createPipeline().use(huffmanEncode()).run(tinyDenseModel(), { artifacts: { 'prune/masks': p.masks } });
    const decoded = unpruned.artifacts['encode/file']!.decoded;
    expect(Array.from(densify(decoded.tensors.get('fc1/kernel')!))).toEqual(Array.from(tinyDenseModel().layers[0].params.kernel!.values));
    for (const bad of [{ gapBits: 0 }, { gapBits: 17 }, { layout: 'csr' }, { floatFormat: 'bf16' }, { order: 'zigzag' }, { huffman: 'yes' }, { gapbits: 4 }, { floatFormat: 'float16', level: 9 }]) {
      const error = (() => {
        try {
          huffmanEncode(bad as never);
        } catch (e) {
          return e;
        }
      })();
      expect(isDcError(error) && error.code).toBe('INVALID_OPTION');
    }
  });
});
