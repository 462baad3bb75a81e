import { describe, expect, it } from 'vitest';
import { formatHuffmanBench, runHuffmanBench } from './run-bench.js';
import { syntheticLenet300 } from './synthetic.js';

describe('huffman bench', () => {
  it('runs small and reports consistent figures (speed targets are checked by the bench, not here)', async () => {
    const r = await runHuffmanBench({ symbols: 20_000, runs: 3 });
    expect(r.decode.symbols).toBe(20_000);
    expect(r.decode.bitsPerSymbol).toBeGreaterThan(3);
    expect(r.decode.bitsPerSymbol).toBeLessThan(5);
    expect(r.file.ratio).toBeCloseTo(r.file.originalBytes / r.file.bytes, 2);
    expect(r.file.bytes).toBeLessThan(r.file.fixedWidthBytes);
    expect(formatHuffmanBench(r)).toContain('whole-file decode');
  });
  it('builds a LeNet-300-100-sized model with the paper kept fractions', () => {
    const { model, codebooks } = syntheticLenet300();
    const sizes = model.layers.map((l) => l.params.kernel!.values.length);
    expect(sizes).toEqual([235200, 30000, 1000]);
    const kept = model.layers.map((l, i) => Math.round((1000 * codebooks.get(`${l.name}/kernel`)!.positions.length) / sizes[i]) / 10);
    expect(kept).toEqual([8, 9, 26]);
  });
});
