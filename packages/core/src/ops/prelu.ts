/** `prelu`: a parametric ReLU, `x < 0 ? alpha · x : x`, its learned `alpha` broadcast against the input (op set 3). */
import { fail } from './config-reader.js';
import { defineOp, type Shape } from './op-spec.js';

/**
 * The shape of a `prelu` node's `alpha` for an input of shape `input` (without batch): the input's
 * shape with extent 1 on each of `sharedAxes` (counted with batch as 0), as tfjs's `PReLU` builds it.
 */
export function preluAlphaShape(input: Shape, sharedAxes: readonly number[] = []): Shape {
  return input.map((d, i) => (sharedAxes.includes(i + 1) ? 1 : d));
}

export const preluOp = defineOp<'prelu'>({
  kind: 'prelu',
  since: 3,
  arity: [1, 1],
  read(r) {
    if (!r.has('sharedAxes')) return { kind: 'prelu' };
    // Inputs have at most 8 axes (GRAPH_LIMITS.rank), as permute's dims.
    const sharedAxes = r.ints('sharedAxes', 1, 8, 8);
    if (sharedAxes.some((a, i) => i > 0 && a <= sharedAxes[i - 1])) r.fail('must be strictly increasing', 'sharedAxes');
    return { kind: 'prelu', sharedAxes };
  },
  outputShape(c, [input], site) {
    const outside = (c.sharedAxes ?? []).filter((a) => a > input.length);
    if (outside.length > 0) fail(site.code, site.where, `sharedAxes [${outside.join(', ')}] are not non-batch axes of a rank-${input.length + 1} input`);
    return input;
  },
  params: (c, [input]) => ({ alpha: preluAlphaShape(input, c.sharedAxes) }),
});
