/** `recurrent`: SimpleRNN, LSTM and GRU over a sequence (op set 3). */
import type { RecurrentCell } from '../ir/model.js';
import { LAYER_ACTIVATIONS } from './activation.js';
import { MAX_EXTENT } from './config-reader.js';
import { defineOp, expectRank } from './op-spec.js';

/** The activations a cell may apply: every layer activation but softmax (not element-wise). */
export const CELL_ACTIVATIONS = LAYER_ACTIVATIONS.filter((a) => a !== 'softmax');

/** Gates per cell: how many `units`-wide blocks its kernels and bias hold. */
export const RECURRENT_GATES: Readonly<Record<RecurrentCell, number>> = { simpleRnn: 1, lstm: 4, gru: 3 };

export const recurrentOp = defineOp<'recurrent'>({
  kind: 'recurrent',
  since: 3,
  arity: [1, 1],
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
    };
  },
  outputShape(c, [input], site) {
    expectRank(input, 2, site, 'a recurrent layer (a sequence [steps, features])');
    return c.returnSequences ? [input[0], c.units] : [c.units];
  },
  params: (c, [input]) => {
    const width = RECURRENT_GATES[c.cell] * c.units;
    return { kernel: [input[1], width], recurrentKernel: [c.units, width], ...(c.useBias ? { bias: [width] } : {}) };
  },
});
