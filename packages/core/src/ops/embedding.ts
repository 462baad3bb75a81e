/** `embedding`: a lookup table indexed by the input's values (op set 3). */
import { MAX_EXTENT } from './config-reader.js';
import { defineOp } from './op-spec.js';

export const embeddingOp = defineOp<'embedding'>({
  kind: 'embedding',
  since: 3,
  arity: [1, 1],
  read: (r) => ({
    kind: 'embedding',
    inputDim: r.int('inputDim', 1, MAX_EXTENT),
    outputDim: r.int('outputDim', 1, MAX_EXTENT),
    // Optional (added to op set 3 before its release): tfjs's maskZero, kept for the way back to tfjs.
    ...(r.has('maskZero') ? { maskZero: r.bool('maskZero') } : {}),
  }),
  // The output's rank and size are checked against the graph limits with every node's.
  outputShape: (c, [input]) => [...input, c.outputDim],
  params: (c) => ({ kernel: [c.inputDim, c.outputDim] }),
});
