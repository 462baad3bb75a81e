/**
 * The op table: every node kind of the IR with its backend-independent rules. Runtimes keep their
 * own explicit map kind → kernel; a test checks that each covers this table.
 */
import type { LayerKind } from '../ir/model.js';
import { activationOp } from './activation.js';
import { batchNormOp, layerNormOp } from './batch-norm.js';
import { unitNormOp } from './unit-norm.js';
import { groupNormOp } from './group-norm.js';
import { conv2dOp, depthwiseConv2dOp } from './conv.js';
import { conv2dTransposeOp } from './conv-transpose.js';
import { denseOp } from './dense.js';
import { dotOp } from './dot.js';
import { embeddingOp } from './embedding.js';
import { addOp, averageOp, concatenateOp, maximumOp, minimumOp, multiplyOp, subtractOp } from './merge.js';
import { maskingOp } from './masking.js';
import type { OpSpec } from './op-spec.js';
import { avgPool2dOp, globalAvgPool2dOp, globalMaxPool2dOp, maxPool2dOp } from './pool.js';
import { preluOp } from './prelu.js';
import { dropoutOp, flattenOp, permuteOp, reshapeOp } from './reshape.js';
import { recurrentOp } from './recurrent.js';
import { rescaleOp } from './rescale.js';
import { cropping2dOp, resizingOp, upSampling2dOp, zeroPadding2dOp } from './spatial.js';

/**
 * The op-set version this code implements. Files record the op set they need; a reader refuses a
 * newer one with `UNSUPPORTED_VERSION`. Op set 1: format v1's kinds; 2: graphs and modern layers;
 * 3: `rescale`, `upSampling2d`, `layerNorm`, `unitNorm`, `groupNorm`, `embedding`, `conv2dTranspose`, `recurrent`, `prelu`, `dot`, `masking`;
 * 4: `resizing`.
 */
export const OPSET = 4;

/** Every op kind → its table entry. */
export const OPS: Readonly<Record<LayerKind, OpSpec>> = {
  dense: denseOp,
  conv2d: conv2dOp,
  conv2dTranspose: conv2dTransposeOp,
  depthwiseConv2d: depthwiseConv2dOp,
  batchNorm: batchNormOp,
  layerNorm: layerNormOp,
  unitNorm: unitNormOp,
  groupNorm: groupNormOp,
  prelu: preluOp,
  embedding: embeddingOp,
  recurrent: recurrentOp,
  maxPool2d: maxPool2dOp,
  avgPool2d: avgPool2dOp,
  globalAvgPool2d: globalAvgPool2dOp,
  globalMaxPool2d: globalMaxPool2dOp,
  zeroPadding2d: zeroPadding2dOp,
  cropping2d: cropping2dOp,
  upSampling2d: upSampling2dOp,
  resizing: resizingOp,
  flatten: flattenOp,
  reshape: reshapeOp,
  permute: permuteOp,
  activation: activationOp,
  dropout: dropoutOp,
  masking: maskingOp,
  rescale: rescaleOp,
  add: addOp,
  subtract: subtractOp,
  multiply: multiplyOp,
  average: averageOp,
  maximum: maximumOp,
  minimum: minimumOp,
  concatenate: concatenateOp,
  dot: dotOp,
};

/** Every op kind, in table order. */
export const OP_KINDS = Object.keys(OPS) as LayerKind[];

/** The table entry of `kind`, or undefined for an unknown kind. */
export function opSpec(kind: unknown): OpSpec | undefined {
  return typeof kind === 'string' && Object.hasOwn(OPS, kind) ? OPS[kind as LayerKind] : undefined;
}
