/** `recurrent`: SimpleRNN, LSTM and GRU over a sequence, one way or both (op set 3). */
import type { RecurrentCell, RecurrentConfig, RecurrentMerge } from '../ir/model.js';
import { LAYER_ACTIVATIONS } from './activation.js';
import { fail, MAX_EXTENT } from './config-reader.js';
import { defineOp, expectRank } from './op-spec.js';

/** The activations a cell may apply: every layer activation but softmax (not element-wise). */
export const CELL_ACTIVATIONS = LAYER_ACTIVATIONS.filter((a) => a !== 'softmax');

/** Gates per cell: how many `units`-wide blocks its kernels and bias hold. */
export const RECURRENT_GATES: Readonly<Record<RecurrentCell, number>> = { simpleRnn: 1, lstm: 4, gru: 3 };

/** The ways a bidirectional layer merges its two passes (tfjs's `mergeMode` but `null`). */
export const RECURRENT_MERGES: readonly RecurrentMerge[] = ['concat', 'sum', 'mul', 'ave'];

/** Passes of a node: 2 for a bidirectional one (its parameters hold both, stacked), else 1. */
export function recurrentPasses(c: RecurrentConfig): 1 | 2 {
  return c.merge === undefined ? 1 : 2;
}

export const recurrentOp = defineOp<'recurrent'>({
  kind: 'recurrent',
  since: 3,
  arity: [1, 2],
  read(r) {
    const cell = r.oneOf('cell', ['simpleRnn', 'lstm', 'gru'] as const);
    const gated = cell !== 'simpleRnn';
    if (gated !== r.has('recurrentActivation')) r.fail(gated ? `a ${cell} cell needs recurrentActivation` : 'a simpleRnn cell has no recurrentActivation', 'recurrentActivation');
    return {
      kind: 'recurrent',
      cell,
      units: r.int('units', 1, MAX_EXTENT),
      activation: r.oneOf('activation', CELL_ACTIVATIONS),
      ...(gated ? { recurrentActivation: r.oneOf('recurrentActivation', CELL_ACTIVATIONS) } : {}),
      useBias: r.bool('useBias'),
      returnSequences: r.bool('returnSequences'),
      // Both optional (added to op set 3 before its release): files without them read as one forward pass.
      ...(r.has('goBackwards') ? { goBackwards: r.bool('goBackwards') } : {}),
      ...(r.has('merge') ? { merge: r.oneOf('merge', RECURRENT_MERGES) } : {}),
      ...(r.has('maskValue') ? { maskValue: r.num('maskValue', -Number.MAX_VALUE, Number.MAX_VALUE) } : {}),
      ...(r.has('resetAfter') ? { resetAfter: cell === 'gru' ? r.bool('resetAfter') : r.fail(`a ${cell} cell has no resetAfter`, 'resetAfter') } : {}),
    };
  },
  outputShape(c, [input, mask], site) {
    expectRank(input, 2, site, 'a recurrent layer (a sequence [steps, features])');
    if ((c.maskValue !== undefined) !== (mask !== undefined)) {
      fail(site.code, site.where, c.maskValue !== undefined ? 'maskValue needs a second input (the mask source)' : 'a second input (a mask source) needs maskValue');
    }
    if (mask !== undefined && mask[0] !== input[0]) {
      fail(site.code, site.where, `the mask source [${mask.join(', ')}] must have the sequence's ${input[0]} steps as its first axis`);
    }
    const features = c.merge === 'concat' ? 2 * c.units : c.units;
    return c.returnSequences ? [input[0], features] : [features];
  },
  params: (c, [input]) => {
    const width = recurrentPasses(c) * RECURRENT_GATES[c.cell] * c.units;
    // With resetAfter, two biases: one added to x·K, one to h·R.
    return { kernel: [input[1], width], recurrentKernel: [c.units, width], ...(c.useBias ? { bias: c.resetAfter ? [2, width] : [width] } : {}) };
  },
});
