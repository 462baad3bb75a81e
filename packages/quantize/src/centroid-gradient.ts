/**
 * The centroid gradient of trained quantization (paper eq. 3): the gradient of the loss with
 * respect to centroid k is the sum of the gradients of the weights that share it,
 * ∂L/∂C_k = Σ_{i : code(i) = k} ∂L/∂W_i. Pruned weights belong to no cluster and contribute nothing.
 */
import type { Codebook } from '@dc/core';
import type { Tfjs, TfTensor } from '@dc/core/training';

/**
 * Pure reference: per-centroid sums of `grad` (the flat gradient of the whole tensor) over the
 * codebook's positions. Returns one value per centroid (`k` defaults to the number of centroids).
 */
export function centroidGradients(grad: ArrayLike<number>, codebook: Pick<Codebook, 'positions' | 'codes'>, k?: number): Float64Array {
  const { positions, codes } = codebook;
  let clusters = k ?? 0;
  if (k === undefined) for (let i = 0; i < codes.length; i++) clusters = Math.max(clusters, codes[i] + 1);
  const sums = new Float64Array(clusters);
  for (let i = 0; i < positions.length; i++) sums[codes[i]] += grad[positions[i]];
  return sums;
}

/**
 * How per-cluster sums are computed on tensors: `tf.unsortedSegmentSum`, `tf.sparse.sparseSegmentSum`
 * (positions ordered by code, so its segment ids are sorted; tfjs-wasm 4.22 has this kernel but not
 * the first), or reading the gradient back and summing in JavaScript.
 */
export type SegmentSumMethod = 'unsorted-segment-sum' | 'sparse-segment-sum' | 'js';

/** The first of unsorted-segment-sum, sparse-segment-sum and js that the active backend supports. */
export function segmentSumMethod(tf: Tfjs): SegmentSumMethod {
  const backend = tf.getBackend();
  if (tf.getKernel('UnsortedSegmentSum', backend)) return 'unsorted-segment-sum';
  if (tf.getKernel('SparseSegmentSum', backend)) return 'sparse-segment-sum';
  return 'js';
}

type Ids = Parameters<Tfjs['unsortedSegmentSum']>[1];

/** A codebook's index data as int32 tensors, for {@link centroidGradientsTf}. */
export interface CodebookTensors {
  /** Flat positions of the clustered weights. */
  readonly positions: TfTensor;
  /** Their codes. */
  readonly codes: TfTensor;
  /** The positions reordered by code (stable), for `sparseSegmentSum`. */
  readonly positionsByCode: TfTensor;
  /** The codes in that order (ascending). */
  readonly sortedCodes: TfTensor;
}

/** Makes the {@link CodebookTensors} of a codebook (the caller disposes them). */
export function codebookTensors(tf: Tfjs, codebook: Pick<Codebook, 'positions' | 'codes'>): CodebookTensors {
  const { positions, codes } = codebook;
  const order = Array.from(positions.keys()).sort((a, b) => codes[a] - codes[b] || a - b);
  return {
    positions: tf.tensor1d(Int32Array.from(positions), 'int32'),
    codes: tf.tensor1d(Int32Array.from(codes), 'int32'),
    positionsByCode: tf.tensor1d(Int32Array.from(order, (i) => positions[i]), 'int32'),
    sortedCodes: tf.tensor1d(Int32Array.from(order, (i) => codes[i]), 'int32'),
  };
}

/**
 * The centroid gradient on tensors: gather the kept entries of `grad`, then sum them per code with
 * `tf.unsortedSegmentSum`; with `method: 'js'`, read the gradient back and sum in JavaScript
 * (for backends without the kernel; at LeNet sizes this costs well under a millisecond a step).
 * Returns a float32 tensor of shape `[k]`; the caller disposes it.
 */
export function centroidGradientsTf(
  tf: Tfjs,
  grad: TfTensor,
  codebook: Pick<Codebook, 'positions' | 'codes'>,
  tensors: CodebookTensors,
  k: number,
  method: SegmentSumMethod,
): TfTensor {
  if (method === 'js') return tf.tensor1d(Float32Array.from(centroidGradients(grad.dataSync(), codebook, k)));
  return tf.tidy(() => {
    const flat = tf.reshape(grad, [-1]);
    if (method === 'unsorted-segment-sum') return tf.unsortedSegmentSum(tf.gather(flat, tensors.positions), tensors.codes as Ids, k);
    // Segment ids run up to the highest code in use; pad to k for codes that lost every weight.
    const sums = tf.sparse.sparseSegmentSum(flat, tensors.positionsByCode as Ids, tensors.sortedCodes as Ids);
    return sums.shape[0] === k ? sums : tf.pad(sums, [[0, k - sums.shape[0]]]);
  });
}
