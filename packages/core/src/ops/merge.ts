/** Merges of several inputs: element-wise ops on equal shapes, and concatenation along an axis. */
import { fail } from './config-reader.js';
import type { MergeConfig } from '../ir/model.js';
import { defineOp, sampleAxis, type OpSite, type OpSpec, type Shape } from './op-spec.js';

const same = (a: Shape, b: Shape) => a.length === b.length && a.every((d, i) => d === b[i]);

function elementwise(kind: MergeConfig['kind']): OpSpec<MergeConfig> {
  return {
    kind,
    since: 2,
    arity: kind === 'subtract' ? [2, 2] : [2, 64],
    read: () => ({ kind }),
    outputShape(_c, inputs, site) {
      for (const s of inputs) if (!same(s, inputs[0])) mismatch(site, inputs);
      return inputs[0];
    },
    params: () => ({}),
  };
}

function mismatch(site: OpSite, inputs: readonly Shape[]): never {
  return fail(site.code, site.where, `inputs have shapes ${inputs.map((s) => `[${s.join(', ')}]`).join(', ')}, which do not fit`);
}

export const addOp = elementwise('add');
export const subtractOp = elementwise('subtract');
export const multiplyOp = elementwise('multiply');
export const averageOp = elementwise('average');
export const maximumOp = elementwise('maximum');
export const minimumOp = elementwise('minimum');

export const concatenateOp = defineOp<'concatenate'>({
  kind: 'concatenate',
  since: 2,
  arity: [2, 64],
  read: (r) => ({ kind: 'concatenate', axis: r.int('axis', -16, 16, -1) }),
  outputShape(c, inputs, site) {
    const axis = sampleAxis(c.axis, inputs[0].length, site);
    const out = [...inputs[0]];
    for (const s of inputs.slice(1)) {
      if (s.length !== out.length || s.some((d, i) => i !== axis && d !== out[i])) mismatch(site, inputs);
      out[axis] += s[axis];
    }
    return out;
  },
  params: () => ({}),
});
