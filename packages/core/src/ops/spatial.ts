/** `zeroPadding2d`, `cropping2d`, `upSampling2d` and `resizing`: rows and columns added, removed, repeated or resampled in `[h, w, c]`. */
import type { Padding2dConfig } from '../ir/model.js';
import { fail, type ConfigReader } from './config-reader.js';
import { defineOp, expectRank, type OpSpec } from './op-spec.js';

function spatial(kind: Padding2dConfig['kind'], sign: 1 | -1): OpSpec<Padding2dConfig> {
  return {
    kind,
    since: 2,
    arity: [1, 1],
    read: (r) => ({ kind, amounts: r.pairOfPairs('amounts', 0) }),
    outputShape(c, [input], site) {
      expectRank(input, 3, site, kind);
      const [[top, bottom], [left, right]] = c.amounts;
      const h = input[0] + sign * (top + bottom);
      const w = input[1] + sign * (left + right);
      if (h < 1 || w < 1) fail(site.code, site.where, `${kind} leaves no pixels of a ${input[0]}x${input[1]} input`);
      return [h, w, input[2]];
    },
    params: () => ({}),
  };
}

export const zeroPadding2dOp = spatial('zeroPadding2d', 1);
export const cropping2dOp = spatial('cropping2d', -1);

/** The largest upsampling factor along one axis. */
export const MAX_UPSAMPLING = 1024;

/**
 * An upsampling factor pair (`upSampling2d`'s size, `conv2dTranspose`'s strides): integers in
 * [1, {@link MAX_UPSAMPLING}]. A forged transposed convolution's stride of 65,536 made an 8-row
 * input 524,288 rows, within the activation limit, and its run take seconds.
 */
export function readUpsampling(r: ConfigReader, field: string): readonly [number, number] {
  const factors = r.pair(field, 1);
  if (factors[0] > MAX_UPSAMPLING || factors[1] > MAX_UPSAMPLING) r.fail(`must be at most ${MAX_UPSAMPLING} along each axis`, field);
  return factors;
}

export const upSampling2dOp = defineOp<'upSampling2d'>({
  kind: 'upSampling2d',
  since: 3,
  arity: [1, 1],
  read(r) {
    const size = readUpsampling(r, 'size');
    return { kind: 'upSampling2d', size, ...(r.has('interpolation') ? { interpolation: r.oneOf('interpolation', ['nearest', 'bilinear'] as const) } : {}) };
  },
  outputShape(c, [input], site) {
    expectRank(input, 3, site, 'upSampling2d');
    return [input[0] * c.size[0], input[1] * c.size[1], input[2]];
  },
  params: () => ({}),
});

/** The largest side `resizing` resizes to. */
export const MAX_RESIZED_SIDE = 16384;

export const resizingOp = defineOp<'resizing'>({
  kind: 'resizing',
  since: 4,
  arity: [1, 1],
  read(r) {
    const size = r.pair('size', 1);
    if (size[0] > MAX_RESIZED_SIDE || size[1] > MAX_RESIZED_SIDE) r.fail(`must be at most ${MAX_RESIZED_SIDE} along each axis`, 'size');
    return { kind: 'resizing', size, interpolation: r.oneOf('interpolation', ['bilinear', 'nearest'] as const) };
  },
  outputShape(c, [input], site) {
    expectRank(input, 3, site, 'resizing');
    return [c.size[0], c.size[1], input[2]];
  },
  params: () => ({}),
});
