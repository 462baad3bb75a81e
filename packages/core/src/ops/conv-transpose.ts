/** `conv2dTranspose`: a transposed (fractionally strided) convolution, channels last (op set 3). */
import type { Conv2dTransposeConfig } from '../ir/model.js';
import { readLayerActivation } from './activation.js';
import { MAX_EXTENT } from './config-reader.js';
import { defineOp, expectRank } from './op-spec.js';
import { MAX_UPSAMPLING } from './spatial.js';

/** Output extent and the rows cropped before it, along one axis of a transposed convolution (tfjs's `deconvLength`). */
export function transposeAxis(inSize: number, k: number, s: number, padding: 'same' | 'valid'): { out: number; before: number } {
  if (padding === 'valid') return { out: inSize * s + Math.max(k - s, 0), before: 0 };
  return { out: inSize * s, before: Math.floor(Math.max(k - s, 0) / 2) };
}

export const conv2dTransposeOp = defineOp<'conv2dTranspose'>({
  kind: 'conv2dTranspose',
  since: 3,
  arity: [1, 1],
  read(r): Conv2dTransposeConfig {
    const filters = r.int('filters', 1, MAX_EXTENT);
    const kernelSize = r.pair('kernelSize', 1);
    // Its strides upsample, as upSampling2d's size does, and are bounded alike: a forged stride of
    // 65,536 made an 8-row input 524,288 rows, within the activation limit, and its run take seconds.
    const strides = r.pair('strides', 1);
    if (strides[0] > MAX_UPSAMPLING || strides[1] > MAX_UPSAMPLING) r.fail(`must be at most ${MAX_UPSAMPLING} along each axis`, 'strides');
    return { kind: 'conv2dTranspose', filters, kernelSize, strides, padding: r.oneOf('padding', ['same', 'valid'] as const), activation: readLayerActivation(r), useBias: r.bool('useBias') };
  },
  outputShape(c, [input], site) {
    expectRank(input, 3, site, c.kind);
    return [transposeAxis(input[0], c.kernelSize[0], c.strides[0], c.padding).out, transposeAxis(input[1], c.kernelSize[1], c.strides[1], c.padding).out, c.filters];
  },
  params: (c, [input]) => ({ kernel: [c.kernelSize[0], c.kernelSize[1], c.filters, input[2]], ...(c.useBias ? { bias: [c.filters] } : {}) }),
});
