/** `conv2dTranspose`: a transposed (fractionally strided) convolution, channels last (op set 3). */
import type { Conv2dTransposeConfig } from '../ir/model.js';
import { readLayerActivation } from './activation.js';
import { MAX_EXTENT } from './config-reader.js';
import { defineOp, expectRank } from './op-spec.js';
import { readUpsampling } from './spatial.js';

/** Output extent and the rows cropped before it, along one axis of a transposed convolution (tfjs's `deconvLength`). */
export function transposeAxis(inSize: number, k: number, s: number, padding: 'same' | 'valid'): { out: number; before: number } {
  if (padding === 'valid') return { out: inSize * s + Math.max(k - s, 0), before: 0 };
  return { out: inSize * s, before: Math.floor(Math.max(k - s, 0) / 2) };
}

export const conv2dTransposeOp = defineOp<'conv2dTranspose'>({
  kind: 'conv2dTranspose',
  since: 3,
  arity: [1, 1],
  read: (r): Conv2dTransposeConfig => ({
    kind: 'conv2dTranspose',
    filters: r.int('filters', 1, MAX_EXTENT),
    kernelSize: r.pair('kernelSize', 1),
    // Its strides upsample, as upSampling2d's size does, and are bounded alike.
    strides: readUpsampling(r, 'strides'),
    padding: r.oneOf('padding', ['same', 'valid'] as const),
    activation: readLayerActivation(r),
    useBias: r.bool('useBias'),
  }),
  outputShape(c, [input], site) {
    expectRank(input, 3, site, c.kind);
    return [transposeAxis(input[0], c.kernelSize[0], c.strides[0], c.padding).out, transposeAxis(input[1], c.kernelSize[1], c.strides[1], c.padding).out, c.filters];
  },
  params: (c, [input]) => ({ kernel: [c.kernelSize[0], c.kernelSize[1], c.filters, input[2]], ...(c.useBias ? { bias: [c.filters] } : {}) }),
});
