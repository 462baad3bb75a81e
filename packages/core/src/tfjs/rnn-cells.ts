/**
 * tfjs's generic `RNN` layer over a cell (`tf.layers.rnn({ cell: tf.layers.lstmCell(...) })`) or a
 * stack of cells (`cell: [cellA, cellB]`, tfjs's `StackedRNNCells`): one `recurrent` node per cell.
 * A stack runs every cell at each step, cell k reading cell k−1's output of that step, which is
 * what recurrent layers one after another compute when all but the last return every step.
 */
import { DcError } from '../errors/dc-error.js';
import type { Layer, LayerConfig, Tensor } from '../ir/model.js';

type Config = Record<string, unknown>;

/** The recurrent layer class each tfjs cell class is the cell of. */
const LAYER_OF_CELL: Readonly<Record<string, string>> = { SimpleRNNCell: 'SimpleRNN', LSTMCell: 'LSTM', GRUCell: 'GRU' };

/** One cell of an `RNN` layer as the equivalent recurrent layer: its class and config (the RNN's own flags applied). */
export interface RnnCellLayer {
  readonly cls: string;
  readonly config: Config;
}

/**
 * The cells of an `RNN` layer's `config`, each as the recurrent layer that computes it: every cell
 * of a stack returns every step but the last, which returns what the RNN returns. Throws
 * `UNSUPPORTED_LAYER` for a cell class other than tfjs's SimpleRNN, LSTM and GRU cells, and for a
 * stack read backwards.
 */
export function rnnCellLayers(name: string, c: Config): RnnCellLayer[] {
  const refuse = (why: string): never => {
    throw new DcError('UNSUPPORTED_LAYER', `layer "${name}" (RNN): ${why}`, { tensor: name, hint: 'Use tf.layers.simpleRNN, lstm or gru (one layer per cell), or an RNN over SimpleRNNCell, LSTMCell or GRUCell.' });
  };
  const cell = (c.cell ?? {}) as { className?: unknown; config?: Config };
  const cells = cell.className === 'StackedRNNCells' ? (((cell.config ?? {}).cells ?? []) as { className?: unknown; config?: Config }[]) : [cell];
  if (cells.length === 0) refuse('its cell stack is empty');
  if (cells.length > 1 && c.goBackwards === true) refuse('a stack of cells read backwards is not supported: read the steps forwards, or use one recurrent layer per cell with goBackwards');
  const flags = { returnState: c.returnState, stateful: c.stateful, ...(c.goBackwards === true ? { goBackwards: true } : {}) };
  return cells.map((one, i) => {
    const cls = LAYER_OF_CELL[String(one.className)];
    if (!cls) refuse(`its cell ${String(one.className)} is not supported (supported: ${Object.keys(LAYER_OF_CELL).join(', ')})`);
    return { cls, config: { ...(one.config ?? {}), ...flags, returnSequences: i < cells.length - 1 ? true : c.returnSequences === true } };
  });
}

/**
 * The nodes of a stack of cells: `configs[k]` (cell k's recurrent node) named `${name}_cell_${k + 1}`
 * but the last, which keeps the layer's name; `weights` as the layer lists them, each cell's kernel,
 * recurrent kernel and (with `useBias`) bias in turn.
 */
export function stackedCellNodes(name: string, inputs: readonly string[], configs: readonly LayerConfig[], weights: readonly Tensor[]): Layer[] {
  let at = 0;
  return configs.map((config, k) => {
    const count = config.kind === 'recurrent' && config.useBias ? 3 : 2;
    const [kernel, recurrentKernel, bias] = weights.slice(at, (at += count));
    const last = k === configs.length - 1;
    return {
      name: last ? name : `${name}_cell_${k + 1}`,
      config,
      inputs: k === 0 ? inputs : [`${name}_cell_${k}`],
      params: { kernel, recurrentKernel, ...(bias ? { bias } : {}) },
    };
  });
}
