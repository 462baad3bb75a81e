/**
 * One planned layer as tfjs ops. Dense layers run either on the dense reconstruction of their
 * kernel (`matMul`, the reconstruction built once at prepare) or sparsely (`gather` of the inputs
 * each kept weight reads, times the weight's codebook value, `unsortedSegmentSum` into outputs).
 * Convolutions use the dense reconstruction (`conv2d`).
 */
import { densify, type Activation } from '@dc/core';
import type * as tfTypes from '@tensorflow/tfjs';
import type { PlannedLayer } from '../model/plan.js';
import { toSparseRows } from '../sparse/sparse-rows.js';
import type { Tf } from './load-tfjs.js';

/** How dense layers are computed. */
export type TfjsDenseMode = 'dense' | 'sparse';

/** A compiled layer: a function of tensors plus the weight tensors it holds. */
export interface TfLayer {
  readonly apply: (x: tfTypes.Tensor, batch: number) => tfTypes.Tensor;
  readonly held: tfTypes.Tensor[];
}

function activate(tf: Tf, x: tfTypes.Tensor, a: Activation): tfTypes.Tensor {
  switch (a) {
    case 'relu': return tf.relu(x);
    case 'softmax': return tf.softmax(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'tanh': return tf.tanh(x);
    case 'linear': return x;
    default: throw new Error(`unreachable: activation ${a} is refused by planModel`);
  }
}

function sparseDense(tf: Tf, layer: Extract<PlannedLayer, { op: 'dense' }>): TfLayer {
  const m = toSparseRows(layer.kernel);
  const rowIdx = new Int32Array(m.nnz);
  for (let r = 0; r < m.rows; r++) rowIdx.fill(r, m.rowPtr[r], m.rowPtr[r + 1]);
  const rows = tf.tensor1d(rowIdx, 'int32');
  const cols = tf.tensor1d(Int32Array.from(m.colIdx), 'int32');
  const codebook = tf.tensor1d(m.codebook);
  const codes = tf.tensor1d(Int32Array.from(m.codes), 'int32');
  // The codebook lookup, once: one value per kept weight (never a dense kernel).
  const weights = tf.tidy(() => tf.gather(codebook, codes).expandDims(1));
  tf.dispose([codebook, codes]);
  const bias = layer.bias ? tf.tensor1d(layer.bias) : null;
  return {
    held: [rows, cols, weights, ...(bias ? [bias] : [])],
    apply: (x) => {
      const picked = tf.gather(tf.transpose(x), rows); // [nnz, batch]
      const summed = tf.unsortedSegmentSum(tf.mul(picked, weights), cols, layer.units); // [units, batch]
      const y = tf.transpose(summed);
      return activate(tf, bias ? tf.add(y, bias) : y, layer.activation);
    },
  };
}

/** Compiles one planned layer into tfjs ops. */
export function compileLayer(tf: Tf, layer: PlannedLayer, mode: TfjsDenseMode): TfLayer {
  switch (layer.op) {
    case 'dense': {
      if (mode === 'sparse') return sparseDense(tf, layer);
      const kernel = tf.tensor2d(densify(layer.kernel), [layer.inputSize, layer.units]);
      const bias = layer.bias ? tf.tensor1d(layer.bias) : null;
      return {
        held: [kernel, ...(bias ? [bias] : [])],
        apply: (x) => {
          const y = tf.matMul(x as tfTypes.Tensor2D, kernel);
          return activate(tf, bias ? tf.add(y, bias) : y, layer.activation);
        },
      };
    }
    case 'conv2d': {
      const [kh, kw] = layer.kernelSize;
      const kernel = tf.tensor4d(densify(layer.kernel), [kh, kw, layer.input[2], layer.output[2]]);
      const bias = layer.bias ? tf.tensor1d(layer.bias) : null;
      const { top, bottom, left, right } = layer.pads;
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [top, bottom], [left, right], [0, 0]];
      return {
        held: [kernel, ...(bias ? [bias] : [])],
        apply: (x) => {
          const y = tf.conv2d(x as tfTypes.Tensor4D, kernel, [...layer.strides] as [number, number], pad);
          return activate(tf, bias ? tf.add(y, bias) : y, layer.activation);
        },
      };
    }
    case 'maxPool':
    case 'avgPool': {
      const same = layer.pads.top + layer.pads.bottom + layer.pads.left + layer.pads.right > 0;
      const f = layer.op === 'maxPool' ? tf.maxPool : tf.avgPool;
      const pad = same ? 'same' : 'valid';
      return { held: [], apply: (x) => f(x as tfTypes.Tensor4D, [...layer.poolSize] as [number, number], [...layer.strides] as [number, number], pad) };
    }
    case 'activation':
      return { held: [], apply: (x) => activate(tf, x, layer.activation) };
    case 'reshape':
      return { held: [], apply: (x, batch) => (layer.kind === 'dropout' ? x : tf.reshape(x, [batch, ...layer.outputShape])) };
  }
}
