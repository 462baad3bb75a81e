import { describe, expect, it } from 'vitest';
import type { TensorPlan } from './search.js';
import { compressTensor, type CompressTensor } from './tensor-candidates.js';
import { verifiedWeights } from './verified-weights.js';

const tensors = ['a', 'b', 'c'].map((name, k) => ({ name, shape: [64], values: Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7 + k)) }));
const entry = (name: string, sparsity: number, bits: number | null, form: { channels?: number; float16?: boolean } = {}): TensorPlan => ({ name, params: 64, sparsity, bits, ...form, bytes: 0, drift: 0 });

describe('verifiedWeights', () => {
  it('compresses only the tensors whose choice changed since the previous plan, with the same values as compressing afresh', () => {
    const asked: string[] = [];
    const counting: CompressTensor = (values, sparsity, bits, form) => {
      asked.push(tensors.find((t) => t.values === values)!.name);
      return compressTensor(values, sparsity, bits, form);
    };
    const weightsOf = verifiedWeights(tensors, counting);
    const plans = [
      [entry('a', 0.5, 4), entry('b', 0, 3, { channels: 4 }), entry('c', 0, null)],
      [entry('a', 0.5, 4), entry('b', 0, 5, { channels: 4 }), entry('c', 0, null, { float16: true })],
      [entry('a', 0, null), entry('b', 0, 5, { channels: 4 }), entry('c', 0, null, { float16: true })],
      [entry('a', 0.5, 4), entry('b', 0, 5), entry('c', 0, null, { float16: true })],
    ];
    const expectedAsked = [['a', 'b'], ['b', 'c'], [], ['a', 'b']];
    plans.forEach((plan, k) => {
      asked.length = 0;
      const got = weightsOf(plan);
      expect(asked).toEqual(expectedAsked[k]);
      const changed = plan.filter((p) => p.bits !== null || p.sparsity > 0 || p.float16);
      expect([...got.keys()]).toEqual(changed.map((p) => p.name));
      for (const p of changed) {
        const t = tensors.find((x) => x.name === p.name)!;
        const form = { ...(p.channels ? { channels: p.channels } : {}), ...(p.float16 ? { float16: true } : {}) };
        expect(got.get(p.name)).toEqual(compressTensor(t.values, p.sparsity, p.bits, form).values);
      }
    });
  });

  it("uses a tensor's own compress where it has one", () => {
    const own: CompressTensor = (values) => ({ values: values.map(() => 1), kept: values.length, codeBits: 0, centroids: 1 });
    const weightsOf = verifiedWeights([{ ...tensors[0], compress: own }, tensors[1]], compressTensor);
    const got = weightsOf([entry('a', 0, 2), entry('b', 0, 2)]);
    expect([...got.get('a')!]).toEqual(new Array(64).fill(1));
    expect(got.get('b')).toEqual(compressTensor(tensors[1].values, 0, 2).values);
  });
});
