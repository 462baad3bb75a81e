/** `dense`: a fully connected layer on a rank-1 input. */
import { MAX_EXTENT } from './config-reader.js';
import { readLayerActivation } from './activation.js';
import { defineOp, expectRank } from './op-spec.js';

export const denseOp = defineOp<'dense'>({
  kind: 'dense',
  since: 1,
  arity: [1, 1],
  read: (r) => ({ kind: 'dense', units: r.int('units', 1, MAX_EXTENT), activation: readLayerActivation(r), useBias: r.bool('useBias') }),
  outputShape(c, [input], site) {
    expectRank(input, 1, site, 'dense (add a flatten node before it)');
    return [c.units];
  },
  params: (c, [input]) => ({ kernel: [input[0], c.units], ...(c.useBias ? { bias: [c.units] } : {}) }),
});
