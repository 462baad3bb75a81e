/**
 * A tiny two-headed MLP in plain arrays for the planner's tests: 16 → 48 (relu) → softmax over 4
 * classes, and a linear 3-value regression head; random weights and inputs from a seed.
 */
import { createRandom } from '@dc/core';
import type { OutputBatch } from './fidelity.js';
import type { PlanTensor } from './options.js';

const IN = 16;
const HIDDEN = 48;

/**
 * With `folded`, hidden unit j's incoming weights are multiplied by f_j = 10^(-(j mod 4)) and its
 * outgoing ones divided by it: the same function (relu commutes with positive scales), but a
 * hidden kernel whose output channels differ in scale by 1,000×, as after folding a batch norm.
 */
export function tinyMlp(seed = 7, folded = false): { tensors: PlanTensor[]; batches: Float32Array[]; run: (weights: ReadonlyMap<string, Float32Array>, batch: Float32Array) => OutputBatch[] } {
  const random = createRandom(seed);
  const normal = (n: number, scale: number) => Float32Array.from({ length: n }, () => (random.next() + random.next() + random.next() - 1.5) * scale);
  const tensors: PlanTensor[] = [
    { name: 'hidden/kernel', shape: [IN, HIDDEN], values: normal(IN * HIDDEN, 0.5) },
    { name: 'classes/kernel', shape: [HIDDEN, 4], values: normal(HIDDEN * 4, 0.4) },
    { name: 'boxes/kernel', shape: [HIDDEN, 3], values: normal(HIDDEN * 3, 0.4) },
  ];
  if (folded) {
    const f = (j: number) => 10 ** -(j % 4);
    tensors[0].values.forEach((v, i) => (tensors[0].values[i] = Math.fround(v * f(i % HIDDEN))));
    for (const t of tensors.slice(1)) {
      const out = t.shape[1];
      t.values.forEach((v, i) => (t.values[i] = Math.fround(v / f(Math.floor(i / out)))));
    }
  }
  const batches = [normal(8 * IN, 2), normal(8 * IN, 2)];
  const run = (weights: ReadonlyMap<string, Float32Array>, x: Float32Array): OutputBatch[] => {
    const w = (name: string) => weights.get(name) ?? tensors.find((t) => t.name === name)!.values;
    const n = x.length / IN;
    const h = dense(x, w('hidden/kernel'), n, IN, HIDDEN).map((v) => Math.max(0, v));
    const logits = dense(h, w('classes/kernel'), n, HIDDEN, 4);
    for (let s = 0; s < n; s++) {
      const row = logits.subarray(s * 4, s * 4 + 4);
      const m = Math.max(...row);
      let sum = 0;
      for (let c = 0; c < 4; c++) sum += row[c] = Math.exp(row[c] - m);
      for (let c = 0; c < 4; c++) row[c] /= sum;
    }
    return [{ shape: [n, 4], values: logits }, { shape: [n, 3], values: dense(h, w('boxes/kernel'), n, HIDDEN, 3) }];
  };
  return { tensors, batches, run };
}

function dense(x: Float32Array, w: Float32Array, n: number, from: number, to: number): Float32Array {
  const out = new Float32Array(n * to);
  for (let s = 0; s < n; s++) for (let i = 0; i < from; i++) for (let j = 0; j < to; j++) out[s * to + j] += x[s * from + i] * w[i * to + j];
  return out;
}
