/** `zeroPadding2d` and `cropping2d`: rows and columns added or removed around `[h, w, c]`. */
import type { Padding2dConfig } from '../ir/model.js';
import { fail } from './config-reader.js';
import { expectRank, type OpSpec } from './op-spec.js';

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
