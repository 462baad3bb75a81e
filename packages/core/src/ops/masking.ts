/** `masking`: the steps whose values all equal `maskValue` become zeros (op set 3). */
import { fail } from './config-reader.js';
import { defineOp } from './op-spec.js';

/** The largest |maskValue| a file may hold: any padding value a user picks, far below float32 overflow. */
export const MAX_MASK_VALUE = 1e30;

export const maskingOp = defineOp<'masking'>({
  kind: 'masking',
  since: 3,
  arity: [1, 1],
  read: (r) => ({ kind: 'masking', maskValue: r.num('maskValue', -MAX_MASK_VALUE, MAX_MASK_VALUE) }),
  outputShape(_c, [input], site) {
    if (input.length === 0) fail(site.code, site.where, 'masking needs an input with a feature axis');
    return input;
  },
  params: () => ({}),
});
