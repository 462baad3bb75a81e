/**
 * Turns an IR model (e.g. `withRandomParams` from `@dc/core/testing`) into a compressed model as a
 * file would hold it: each kernel pruned to the largest-magnitude `density` fraction and clustered
 * to `2^bits` evenly spaced centroids (sparse-coded), every other parameter dense float32.
 */
import { listParams, type CompressedModel, type CompressedTensor, type Model, type Tensor } from '@dc/core';

/** Options of {@link compressModel}. */
export interface CompressModelOptions {
  /** Fraction of each kernel's weights kept (0..1], default 0.5. */
  readonly density?: number;
  /** Bits per code (1..16), default 4. */
  readonly bits?: number;
  /**
   * How the kernels are stored, in turn (default all `sparse-coded`, what the dc stages write);
   * `dense-coded` keeps every code, `sparse` and `dense` hold the clustered values as float32.
   */
  readonly layouts?: readonly CompressedTensor['layout'][];
}

function pruneAndCluster(t: Tensor, density: number, bits: number, layout: CompressedTensor['layout']): CompressedTensor {
  const n = t.values.length;
  const keep = Math.max(1, Math.round(n * density));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => Math.abs(t.values[b]) - Math.abs(t.values[a]) || a - b);
  const positions = Uint32Array.from(order.slice(0, keep).sort((a, b) => a - b));
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of positions) {
    lo = Math.min(lo, t.values[p]);
    hi = Math.max(hi, t.values[p]);
  }
  const k = 2 ** bits;
  const codebook = Float32Array.from({ length: k }, (_, i) => (k === 1 ? lo : lo + ((hi - lo) * i) / (k - 1)));
  const codes = bits > 8 ? new Uint16Array(keep) : new Uint8Array(keep);
  positions.forEach((p, i) => (codes[i] = hi === lo ? 0 : Math.round(((t.values[p] - lo) / (hi - lo)) * (k - 1))));
  const shape = [...t.shape];
  const values = Float32Array.from(codes, (c) => codebook[c]);
  switch (layout) {
    case 'sparse-coded':
      return { layout, shape, positions, codebook, codes };
    case 'sparse':
      return { layout, shape, positions, values };
    case 'dense': {
      const all = new Float32Array(n);
      positions.forEach((p, i) => (all[p] = values[i]));
      return { layout, shape, values: all };
    }
    case 'dense-coded': {
      // Code 0 stands for the pruned zero.
      const table = new Float32Array(k + 1);
      table.set(codebook, 1);
      const all = k + 1 > 256 ? new Uint16Array(n) : new Uint8Array(n);
      positions.forEach((p, i) => (all[p] = codes[i] + 1));
      return { layout, shape, codebook: table, codes: all };
    }
  }
}

/** The compressed form of `model`: kernels pruned and clustered, other parameters dense. */
export function compressModel(model: Model, options: CompressModelOptions = {}): CompressedModel {
  const tensors = new Map<string, CompressedTensor>();
  const layouts = options.layouts ?? ['sparse-coded'];
  let kernels = 0;
  for (const ref of listParams(model)) {
    tensors.set(
      ref.key,
      ref.param === 'kernel'
        ? pruneAndCluster(ref.tensor, options.density ?? 0.5, options.bits ?? 4, layouts[kernels++ % layouts.length])
        : { layout: 'dense', shape: [...ref.tensor.shape], values: ref.tensor.values },
    );
  }
  return {
    name: model.name,
    inputShape: model.inputShape,
    ...(model.inputName === undefined ? {} : { inputName: model.inputName }),
    layers: model.layers.map(({ name, config, inputs }) => ({ name, config, ...(inputs === undefined ? {} : { inputs }) })),
    tensors,
    stages: [],
  };
}
