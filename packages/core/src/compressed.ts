/**
 * The compressed form of a model: what the file stores and what runtimes execute, without
 * densifying. Produced by the container decoder, consumed by `@dc/sparse-runtime`.
 */
import type { Connectivities } from './connectivity.js';
import type { TrainingRecord } from './ir/training-record.js';
import { PARAM_NAMES, type Layer, type LayerConfig, type Model, type Preprocessing } from './ir/model.js';

/** Float32 values for every element. */
export interface DenseTensor {
  readonly layout: 'dense';
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** Every element stored as an index into a codebook. */
export interface DenseCodedTensor {
  readonly layout: 'dense-coded';
  readonly shape: readonly number[];
  readonly codebook: Float32Array;
  readonly codes: Uint8Array | Uint16Array;
}

/** Only nonzeros, at ascending row-major flat positions, with float32 values. */
export interface SparseTensor {
  readonly layout: 'sparse';
  readonly shape: readonly number[];
  readonly positions: Uint32Array;
  readonly values: Float32Array;
}

/** Only nonzeros, at ascending row-major flat positions, as indices into a codebook. */
export interface SparseCodedTensor {
  readonly layout: 'sparse-coded';
  readonly shape: readonly number[];
  readonly positions: Uint32Array;
  readonly codebook: Float32Array;
  readonly codes: Uint8Array | Uint16Array;
}

/** One parameter tensor in compressed form. */
export type CompressedTensor = DenseTensor | DenseCodedTensor | SparseTensor | SparseCodedTensor;

/** A node without its parameters. */
export type LayerTopology = Pick<Layer, 'name' | 'inputs'> & { readonly config: LayerConfig };

/** What a stage recorded about itself in the file (name and JSON options). */
export interface StageProvenance {
  readonly name: string;
  readonly options: unknown;
}

/** A model's topology without parameters: what a file header stores about the model. */
export interface ModelTopology {
  readonly name: string;
  readonly inputShape: readonly number[];
  /** The model input's name in `inputs`; default `'input'`. */
  readonly inputName?: string;
  readonly layers: readonly LayerTopology[];
  /** The input scaling the model expects, when recorded. */
  readonly preprocessing?: Preprocessing;
  /** The loss the model was trained with, when recorded. */
  readonly training?: TrainingRecord;
}

/** A whole compressed model: topology plus every parameter tensor by key (`<layer>/<param>`). */
export interface CompressedModel extends ModelTopology {
  readonly tensors: ReadonlyMap<string, CompressedTensor>;
  readonly stages: readonly StageProvenance[];
  /**
   * Format version 7: the seeded connectivity of each `sparse-coded` tensor stored by seed
   * (docs/format.md §2.10), whose positions it generated; absent when no tensor is seeded.
   */
  readonly connectivity?: Connectivities;
}

/** Expands a compressed tensor to dense float32 values (for checks and reference computations). */
export function densify(t: CompressedTensor): Float32Array {
  const n = t.shape.reduce((a, b) => a * b, 1);
  switch (t.layout) {
    case 'dense':
      return new Float32Array(t.values);
    case 'dense-coded': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = t.codebook[t.codes[i]];
      return out;
    }
    case 'sparse': {
      const out = new Float32Array(n);
      for (let i = 0; i < t.positions.length; i++) out[t.positions[i]] = t.values[i];
      return out;
    }
    case 'sparse-coded': {
      const out = new Float32Array(n);
      for (let i = 0; i < t.positions.length; i++) out[t.positions[i]] = t.codebook[t.codes[i]];
      return out;
    }
  }
}

/** The dense IR model a compressed model stands for. */
export function toDenseModel(cm: CompressedModel): Model {
  return {
    name: cm.name,
    inputShape: [...cm.inputShape],
    ...(cm.inputName === undefined ? {} : { inputName: cm.inputName }),
    ...(cm.preprocessing === undefined ? {} : { preprocessing: cm.preprocessing }),
    ...(cm.training === undefined ? {} : { training: cm.training }),
    layers: cm.layers.map((l) => {
      const params: Record<string, { shape: number[]; values: Float32Array }> = {};
      for (const p of PARAM_NAMES) {
        const t = cm.tensors.get(`${l.name}/${p}`);
        if (t) params[p] = { shape: [...t.shape], values: densify(t) };
      }
      return { name: l.name, config: l.config, ...(l.inputs === undefined ? {} : { inputs: l.inputs }), params };
    }),
  };
}
