import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isDcError } from '../errors/dc-error.js';
import { thrownError } from '../testing/error-code.js';
import { listParams } from '../ir/params.js';
import { validateModel } from '../ops/validate-model.js';
import { passOf, stackPasses } from './bidirectional.js';
import { fromLayersModel } from './convert-from.js';
import { toLayersModel } from './convert-to.js';
import { createTfjsTrainer } from './trainer.js';
import { variablesByKey, variablesOfParam } from './variables.js';
import { readLayerWeights } from './weight-names.js';
import { predictions, weightsOf } from './layers-model.test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const init = { recurrentInitializer: 'glorotNormal' as const, biasInitializer: 'randomNormal' as const };
type Merge = 'concat' | 'sum' | 'mul' | 'ave';

/** A text classifier as users write them: Embedding → Bidirectional(LSTM, every step) → Bidirectional(GRU, the last step, `merge`) → Dense. */
function bidirectionalText(merge: Merge = 'ave'): tf.LayersModel {
  const ids = tf.input({ shape: [9], name: 'ids' });
  let x = tf.layers.embedding({ inputDim: 30, outputDim: 6, name: 'embed' }).apply(ids) as tf.SymbolicTensor;
  x = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 5, returnSequences: true, ...init }) as tf.RNN, name: 'bi_lstm' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.bidirectional({ layer: tf.layers.gru({ units: 4, recurrentActivation: 'sigmoid', ...init }) as tf.RNN, mergeMode: merge, name: 'bi_gru' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'head' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: ids, outputs: out, name: 'bidirectional-text' });
}

/** A sequence model reading backwards: GRU (goBackwards, every step) → SimpleRNN (goBackwards, the last). */
function backwardsNet(): tf.LayersModel {
  const input = tf.input({ shape: [7, 3] });
  let x = tf.layers.gru({ units: 4, returnSequences: true, goBackwards: true, name: 'gru', ...init }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.simpleRNN({ units: 3, goBackwards: true, name: 'rnn', ...init }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'backwards' });
}

describe('Bidirectional and goBackwards', () => {
  it('a Bidirectional(LSTM) → Bidirectional(GRU) text classifier is one recurrent node each, weights stacked, and round-trips through a real tfjs Bidirectional with identical predictions', () => {
    const original = bidirectionalText();
    const ir = fromLayersModel(original);
    expect(ir.layers.map((l) => [l.name, l.config])).toEqual([
      ['embed', { kind: 'embedding', inputDim: 30, outputDim: 6 }],
      ['bi_lstm', { kind: 'recurrent', cell: 'lstm', units: 5, activation: 'tanh', recurrentActivation: 'hardSigmoid', useBias: true, returnSequences: true, merge: 'concat' }],
      ['bi_gru', { kind: 'recurrent', cell: 'gru', units: 4, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, returnSequences: false, merge: 'ave' }],
      ['head', { kind: 'dense', units: 2, activation: 'softmax', useBias: true }],
    ]);
    expect(listParams(ir).filter((p) => p.layer.name === 'bi_lstm').map((p) => [p.key, p.tensor.shape])).toEqual([
      ['bi_lstm/kernel', [6, 40]], ['bi_lstm/recurrentKernel', [5, 40]], ['bi_lstm/bias', [40]],
    ]);
    // Forward gates then backward gates, row by row.
    const lstm = original.getLayer('bi_lstm').getWeights();
    const kernel = ir.layers[1].params.kernel!;
    expect(Array.from(kernel.values.subarray(0, 20))).toEqual(Array.from(lstm[0].dataSync().subarray(0, 20)));
    expect(Array.from(kernel.values.subarray(20, 40))).toEqual(Array.from(lstm[3].dataSync().subarray(0, 20)));

    const rebuilt = toLayersModel(ir, tf);
    expect(rebuilt.getLayer('bi_lstm').getClassName()).toBe('Bidirectional');
    expect(weightsOf(rebuilt)).toEqual(weightsOf(original));
    const ids = tf.tensor2d(Array.from({ length: 4 * 9 }, (_, i) => (i * 7) % 30), [4, 9]);
    expect(predictions(rebuilt, ids)).toEqual(predictions(original, ids));
    // The trainer reads trained weights back through the same stacking.
    expect(readLayerWeights(rebuilt, ir)).toEqual(ir);
  });

  it.each(['concat', 'sum', 'mul', 'ave'] as const)('every cell wrapped with mergeMode %s, every step or the last, round-trips with identical predictions', (merge) => {
    const input = tf.input({ shape: [6, 3] });
    const outputs: tf.SymbolicTensor[] = [];
    for (const [i, make] of [tf.layers.simpleRNN, tf.layers.lstm, tf.layers.gru].entries()) {
      for (const returnSequences of [true, false]) {
        const layer = make({ units: 3, returnSequences, goBackwards: i === 1 && returnSequences, ...init }) as tf.RNN;
        const y = tf.layers.bidirectional({ layer, mergeMode: merge, name: `bi_${i}_${returnSequences}` }).apply(input) as tf.SymbolicTensor;
        outputs.push(returnSequences ? (tf.layers.flatten().apply(y) as tf.SymbolicTensor) : y);
      }
    }
    const original = tf.model({ inputs: input, outputs: tf.layers.concatenate().apply(outputs) as tf.SymbolicTensor });
    const ir = fromLayersModel(original);
    expect(ir.layers.filter((l) => l.config.kind === 'recurrent').map((l) => l.config.kind === 'recurrent' && [l.config.merge, l.config.goBackwards])).toEqual([
      [merge, undefined], [merge, undefined], [merge, true], [merge, undefined], [merge, undefined], [merge, undefined],
    ]);
    const rebuilt = toLayersModel(ir, tf);
    const x = tf.randomNormal([3, 6, 3], 0, 1, 'float32', 5);
    expect(predictions(rebuilt, x)).toEqual(predictions(original, x));
  });

  it('a goBackwards GRU and SimpleRNN round-trip with identical predictions (every step in reading order, as tfjs)', () => {
    const original = backwardsNet();
    const ir = fromLayersModel(original);
    expect(ir.layers.map((l) => l.config.kind === 'recurrent' && [l.config.cell, l.config.goBackwards])).toEqual([['gru', true], ['simpleRnn', true]]);
    const rebuilt = toLayersModel(ir, tf);
    expect(rebuilt.getLayer('gru').getConfig().goBackwards).toBe(true);
    const x = tf.randomNormal([2, 7, 3], 0, 1, 'float32', 3);
    expect(predictions(rebuilt, x)).toEqual(predictions(original, x));
  });

  it('refuses by name what the node cannot hold: mergeMode null (two outputs) and returnState', () => {
    const input = tf.input({ shape: [5, 2] });
    const twoOutputs = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2 }) as tf.RNN, mergeMode: null as never, name: 'both_ways' });
    const [a, b] = twoOutputs.apply(input) as tf.SymbolicTensor[];
    const e = thrownError(() => fromLayersModel(tf.model({ inputs: input, outputs: tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor })));
    expect(isDcError(e) && [e.code, e.message]).toEqual(['UNSUPPORTED_LAYER', expect.stringContaining('"both_ways" (Bidirectional): mergeMode null')]);
    const withState = tf.layers.bidirectional({ layer: tf.layers.gru({ units: 2, returnState: true }) as tf.RNN, name: 'stateful_out' });
    const [y] = withState.apply(input) as tf.SymbolicTensor[];
    const f = thrownError(() => fromLayersModel(tf.model({ inputs: input, outputs: y })));
    expect(isDcError(f) && [f.code, f.message]).toEqual(['UNSUPPORTED_LAYER', expect.stringContaining('"stateful_out" (Bidirectional(GRU)): returnState')]);
  });

  it('reads configs without the new fields (one forward pass) and checks merge', () => {
    const base = { kind: 'recurrent', cell: 'simpleRnn', units: 2, activation: 'tanh', useBias: false, returnSequences: false } as const;
    const model = (config: object) => ({ name: 'm', inputShape: [4, 3], layers: [{ name: 'r', config: config as typeof base, params: { kernel: { shape: [3, 2], values: new Float32Array(6) }, recurrentKernel: { shape: [2, 2], values: new Float32Array(4) } } }] });
    expect(() => validateModel(model(base))).not.toThrow();
    expect(() => validateModel(model({ ...base, goBackwards: true }))).not.toThrow();
    expect(thrownError(() => validateModel(model({ ...base, merge: 'max' })))).toMatchObject({ code: 'INVALID_MODEL', message: expect.stringContaining('merge') });
    // A bidirectional node's parameters are twice as wide.
    expect(thrownError(() => validateModel(model({ ...base, merge: 'sum' })))).toMatchObject({ code: 'INVALID_MODEL' });
  });

  it('fine-tunes a Bidirectional layer with hooks that see its stacked parameters: a mask over both passes keeps its zeros, the rest trains', async () => {
    const xs = tf.randomUniform([64, 9], 0, 30, 'int32', 1).toFloat();
    const ys = tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 2), 'float32');
    const trainer = createTfjsTrainer({ tf, train: { xs, ys }, validation: { xs, ys }, loss: 'sparseCategoricalCrossentropy', batchSize: 16 });
    const model = fromLayersModel(bidirectionalText('concat'));
    const mask = tf.keep(tf.tensor(Array.from({ length: 6 * 40 }, (_, i) => (i % 3 === 0 ? 0 : 1)), [6, 40]));
    const shapes: number[][] = [];
    const { model: tuned } = await trainer.fineTune(model, {
      epochs: 1,
      learningRate: 0.05,
      transformGradients: (grads, t) => (shapes.push(grads['bi_lstm/kernel'].shape), { ...grads, 'bi_lstm/kernel': t.mul(grads['bi_lstm/kernel'], mask) }),
      constrainWeights: (vars, t) => void vars['bi_lstm/kernel'].assign(t.mul(vars['bi_lstm/kernel'], mask)),
      frozen: ['bi_gru/kernel'],
    });
    mask.dispose();
    tf.dispose([xs, ys]);
    expect(shapes).toEqual(Array.from({ length: 4 }, () => [6, 40]));
    const [before, after] = [model, tuned].map((m) => m.layers[1].params.kernel!.values);
    expect(after.filter((_, i) => i % 3 === 0).every((v) => v === 0)).toBe(true);
    expect(after.filter((v, i) => i % 3 !== 0 && v !== before[i]).length).toBeGreaterThan(100);
    expect(tuned.layers[2].params.kernel).toEqual(model.layers[2].params.kernel);
    expect(tuned.layers[2].params.recurrentKernel).not.toEqual(model.layers[2].params.recurrentKernel);
  });

  it('variablesOfParam finds the variables of an IR parameter key: its own, or both passes of a Bidirectional one, each with its half', () => {
    const lm = toLayersModel(fromLayersModel(bidirectionalText()), tf);
    const vars = variablesByKey(lm);
    const [kernel] = variablesOfParam(vars, 'head/kernel', new Float32Array(16));
    expect(kernel[0]).toBe(vars['head/kernel']);
    const width = vars['bi_gru/recurrentKernel#forward'].shape[1]!;
    const stacked = Float32Array.from({ length: 4 * 2 * width }, (_, i) => i);
    const passes = variablesOfParam(vars, 'bi_gru/recurrentKernel', stacked);
    expect(passes.map(([v]) => v)).toEqual([vars['bi_gru/recurrentKernel#forward'], vars['bi_gru/recurrentKernel#backward']]);
    expect(passes.map(([, values]) => values)).toEqual([0, 1].map((p) => passOf({ shape: [4, 2 * width], values: stacked }, p as 0 | 1).values));
    expect(variablesOfParam(vars, 'nothing/kernel', stacked)).toEqual([]);
    lm.dispose();
  });

  it('stackPasses and passOf are inverse', () => {
    const f = { shape: [2, 3], values: Float32Array.of(1, 2, 3, 4, 5, 6) };
    const b = { shape: [2, 3], values: Float32Array.of(7, 8, 9, 10, 11, 12) };
    const s = stackPasses(f, b);
    expect([s.shape, Array.from(s.values)]).toEqual([[2, 6], [1, 2, 3, 7, 8, 9, 4, 5, 6, 10, 11, 12]]);
    expect([passOf(s, 0), passOf(s, 1)]).toEqual([f, b]);
  });
});
