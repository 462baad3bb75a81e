/** `rescale`: `x · scale + offset`, element-wise (op set 3). */
import { defineOp } from './op-spec.js';

/** The largest |scale| and |offset| a file may hold: far beyond any input scaling, far below float32 overflow. */
export const MAX_RESCALE = 1e6;

export const rescaleOp = defineOp<'rescale'>({
  kind: 'rescale',
  since: 3,
  arity: [1, 1],
  read: (r) => ({ kind: 'rescale', scale: r.num('scale', -MAX_RESCALE, MAX_RESCALE), offset: r.num('offset', -MAX_RESCALE, MAX_RESCALE) }),
  outputShape: (_c, [input]) => input,
  params: () => ({}),
});
