/** `unitNorm`: each row of the trailing axes divided by its L2 norm (Keras' `UnitNormalization`, op set 3). */
import { fail } from './config-reader.js';
import { defineOp } from './op-spec.js';

/** The floor of a row's sum of squares: TensorFlow's `l2_normalize`, which Keras' layer calls. */
export const UNIT_NORM_EPSILON = 1e-12;

export const unitNormOp = defineOp<'unitNorm'>({
  kind: 'unitNorm',
  since: 3,
  arity: [1, 1],
  read: (r) => (r.has('trailingAxes') ? { kind: 'unitNorm', trailingAxes: r.int('trailingAxes', 1, 8) } : { kind: 'unitNorm' }),
  outputShape(c, [input], site) {
    if ((c.trailingAxes ?? 1) > input.length) fail(site.code, site.where, `trailingAxes ${c.trailingAxes ?? 1} exceeds the rank-${input.length} input (without the batch axis)`);
    return input;
  },
  params: () => ({}),
});

