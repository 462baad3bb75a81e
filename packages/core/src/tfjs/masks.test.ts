import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isDcError } from '../errors/dc-error.js';
import { thrownError } from '../testing/error-code.js';
import type { Model, RecurrentConfig } from '../ir/model.js';
import { validateModel } from '../ops/validate-model.js';
import { fromLayersModel } from './convert-from.js';
import { toLayersModel } from './convert-to.js';
import { createTfjsTrainer } from './trainer.js';
import { predictions, weightsOf } from './layers-model.test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const init = { recurrentInitializer: 'glorotNormal' as const, biasInitializer: 'randomNormal' as const };
type Sym = tf.SymbolicTensor;

/** The padded-text model users bring: Embedding(maskZero) → LSTM (every step) → Dropout → Bidirectional(GRU) → Dense softmax. */
function paddedText(maskZero = true): tf.LayersModel {
  const ids = tf.input({ shape: [8], name: 'ids' });
  let x = tf.layers.embedding({ inputDim: 20, outputDim: 5, maskZero, name: 'embed' }).apply(ids) as Sym;
  x = tf.layers.lstm({ units: 6, returnSequences: true, name: 'lstm', ...init }).apply(x) as Sym;
  x = tf.layers.dropout({ rate: 0.2, name: 'drop' }).apply(x) as Sym;
  x = tf.layers.bidirectional({ layer: tf.layers.gru({ units: 4, ...init }) as tf.RNN, name: 'bi_gru' }).apply(x) as Sym;
  const out = tf.layers.dense({ units: 3, activation: 'softmax', name: 'head' }).apply(x) as Sym;
  return tf.model({ inputs: ids, outputs: out, name: 'padded-text' });
}

/** Rows padded at the end, with zeros in the middle, at the start, and one all padding. */
const PADDED = [
  [3, 7, 1, 9, 0, 0, 0, 0],
  [5, 0, 0, 12, 4, 0, 2, 0],
  [0, 0, 6, 6, 19, 1, 3, 8],
  [0, 0, 0, 0, 0, 0, 0, 0],
  [11, 2, 0, 0, 0, 0, 0, 0],
];

/** A sensor-series classifier over variable-length recordings padded with steps of `pad`: Masking → LSTM (every step) → GRU → softmax. */
function paddedSeries(steps = 6, pad = 0): tf.LayersModel {
  const series = tf.input({ shape: [steps, 2], name: 'series' });
  let x = tf.layers.masking({ maskValue: pad, name: 'mask' }).apply(series) as Sym;
  x = tf.layers.lstm({ units: 5, returnSequences: true, name: 'lstm', ...init }).apply(x) as Sym;
  x = tf.layers.gru({ units: 4, goBackwards: true, name: 'gru', ...init }).apply(x) as Sym;
  const out = tf.layers.dense({ units: 3, activation: 'softmax', name: 'head' }).apply(x) as Sym;
  return tf.model({ inputs: series, outputs: out, name: 'padded-series' });
}

/** Recordings of 6, 4, 2 and 0 steps (`pad` steps at the end), one with a `pad` step inside, one with a step half `pad`. */
function recordings(pad: number): tf.Tensor3D {
  const P = [pad, pad];
  return tf.tensor3d([
    [[0.5, -1], [1, 2], [0.3, 0.1], [-2, 1], [1, 1], [0.2, 0.4]],
    [[0.5, -1], [1, 2], [0.3, 0.1], [-2, 1], P, P],
    [[1, 0], [0, 3], P, P, P, P],
    [P, P, P, P, P, P],
    [[0.5, -1], P, [0.3, 0.1], [-2, 1], [pad, 0.7], P],
  ]);
}

describe('Embedding maskZero and masked recurrent layers', () => {
  for (const pad of [0, -1]) {
    it(`a Masking layer (maskValue ${pad}) is a masking node whose input masks the recurrent layers it reaches at its value: round trip with identical predictions on padded recordings`, () => {
      const original = paddedSeries(6, pad);
      const ir = fromLayersModel(original);
      expect(ir.layers.map((l) => [l.name, l.inputs, l.config.kind === 'recurrent' || l.config.kind === 'masking' ? l.config.maskValue : undefined])).toEqual([
        ['mask', ['series'], pad],
        ['lstm', ['mask', 'series'], pad],
        ['gru', ['lstm', 'series'], pad],
        ['head', ['gru'], undefined],
      ]);
      const rebuilt = toLayersModel(ir, tf);
      expect([rebuilt.getLayer('mask').getClassName(), (rebuilt.getLayer('mask').getConfig() as { maskValue: number }).maskValue]).toEqual(['Masking', pad]);
      const x = recordings(pad);
      const expected = predictions(original, x);
      expect(predictions(rebuilt, x)).toEqual(expected);
      // The padding is skipped: 4 steps padded to 6 predict as the 4 steps alone.
      const four = paddedSeries(4, pad);
      four.setWeights(original.getWeights());
      const alone = predictions(four, tf.tensor3d([[[0.5, -1], [1, 2], [0.3, 0.1], [-2, 1]]]));
      expect(Array.from(alone, (v, i) => Math.abs(v - expected[3 + i]) < 1e-6)).toEqual([true, true, true]);
    });
  }

  it('a Masking layer zeroes the steps it masks for the layers that read its output: a pooled classifier over steps padded with −1', () => {
    const series = tf.input({ shape: [5, 3], name: 'series' });
    const masked = tf.layers.masking({ maskValue: -1, name: 'mask' }).apply(series) as Sym;
    const pooled = tf.layers.globalAveragePooling1d({ name: 'pool' }).apply(tf.layers.dense({ units: 4, activation: 'relu', name: 'embed' }).apply(masked) as Sym) as Sym;
    const model = tf.model({ inputs: series, outputs: tf.layers.dense({ units: 2, activation: 'softmax', name: 'head' }).apply(pooled) as Sym });
    const ir = fromLayersModel(model);
    expect(ir.layers[0].config).toEqual({ kind: 'masking', maskValue: -1 });
    const x = tf.tensor3d([[[1, 2, 3], [-1, -1, -1], [-1, 0.5, -1], [-1, -1, -1], [4, -1, 2]]]);
    // Within float32 rounding: the rebuilt Dense over steps runs as tfjs's dense on a rank-3 input does not.
    const [rebuilt, original] = [predictions(toLayersModel(ir, tf), x), predictions(model, x)];
    expect(Array.from(rebuilt, (v, i) => Math.abs(v - original[i]) < 1e-6)).toEqual([true, true]);
    // The masked steps reach the Dense as zeros.
    const zeroed = tf.tidy(() => (model.getLayer('mask').apply(x) as tf.Tensor).arraySync() as number[][][]);
    expect(zeroed[0].map((step) => step.map((v) => (Object.is(v, -0) ? '-0' : v)))).toEqual([[1, 2, 3], ['-0', '-0', '-0'], [-1, 0.5, -1], ['-0', '-0', '-0'], [4, -1, 2]]);
  });

  it('an RNN over stacked cells behind Embedding maskZero: every cell\'s node takes the ids as its mask input; the rebuilt layers predict as the stack', () => {
    const ids = tf.input({ shape: [8], name: 'ids' });
    const embedded = tf.layers.embedding({ inputDim: 20, outputDim: 5, maskZero: true, name: 'embed' }).apply(ids) as Sym;
    const cells = [tf.layers.lstmCell({ units: 4, ...init }), tf.layers.gruCell({ units: 3, ...init })];
    const read = tf.layers.rnn({ cell: cells, name: 'stack' }).apply(embedded) as Sym;
    const original = tf.model({ inputs: ids, outputs: tf.layers.dense({ units: 2, activation: 'softmax', name: 'head' }).apply(read) as Sym });
    const ir = fromLayersModel(original);
    expect(ir.layers.map((l) => [l.name, l.inputs, l.config.kind === 'recurrent' ? [l.config.cell, l.config.returnSequences, l.config.maskValue] : undefined])).toEqual([
      ['embed', ['ids'], undefined],
      ['stack_cell_1', ['embed', 'ids'], ['lstm', true, 0]],
      ['stack', ['stack_cell_1', 'ids'], ['gru', false, 0]],
      ['head', ['stack'], undefined],
    ]);
    const x = tf.tensor2d(PADDED);
    const [rebuilt, expected] = [predictions(toLayersModel(ir, tf), x), predictions(original, x)];
    expect(Array.from(rebuilt, (v, i) => Math.abs(v - expected[i]) < 1e-6)).toEqual(Array.from(expected, () => true));
  });

  it('a padded-text model converts with the ids as each recurrent node\'s mask input and round-trips with identical weights and predictions', () => {
    const original = paddedText();
    const ir = fromLayersModel(original);
    expect(ir.layers.map((l) => [l.name, l.inputs, l.config.kind === 'recurrent' ? l.config.maskValue : l.config.kind === 'embedding' ? l.config.maskZero : undefined])).toEqual([
      ['embed', ['ids'], true],
      ['lstm', ['embed', 'ids'], 0],
      ['drop', ['lstm'], undefined],
      ['bi_gru', ['drop', 'ids'], 0],
      ['head', ['bi_gru'], undefined],
    ]);
    const rebuilt = toLayersModel(ir, tf);
    expect(rebuilt.getLayer('embed').getConfig().maskZero).toBe(true);
    expect(weightsOf(rebuilt)).toEqual(weightsOf(original));
    const x = tf.tensor2d(PADDED);
    const expected = predictions(original, x);
    expect(predictions(rebuilt, x)).toEqual(expected);
    // The mask matters: the same weights unmasked predict otherwise; an all-padding row is the bias alone.
    const unmasked = paddedText(false);
    unmasked.setWeights(original.getWeights());
    expect(predictions(unmasked, x)).not.toEqual(expected);
    const head = original.getLayer('head').getWeights()[1].dataSync();
    const logits = Array.from(head);
    const softmax = logits.map((v) => Math.exp(v) / logits.reduce((s, w) => s + Math.exp(w), 0));
    expect(Array.from(expected.subarray(9, 12)).map((v, i) => Math.abs(v - softmax[i]) < 1e-6)).toEqual([true, true, true]);
  });

  it('the mask passes through position-wise Dense, LayerNormalization, ReLU and TimeDistributed(Dense) to a backward GRU, and round-trips', () => {
    const ids = tf.input({ shape: [7] });
    let x = tf.layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true, name: 'embed' }).apply(ids) as Sym;
    x = tf.layers.dense({ units: 5, name: 'proj' }).apply(x) as Sym;
    x = tf.layers.layerNormalization({ name: 'norm' }).apply(x) as Sym;
    x = tf.layers.reLU({ name: 'relu' }).apply(x) as Sym;
    x = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3 }), name: 'td' }).apply(x) as Sym;
    x = tf.layers.gru({ units: 3, goBackwards: true, name: 'gru', ...init }).apply(x) as Sym;
    const original = tf.model({ inputs: ids, outputs: tf.layers.dense({ units: 2, name: 'head' }).apply(x) as Sym });
    const ir = fromLayersModel(original);
    expect(ir.layers.find((l) => l.name === 'gru')!.inputs).toEqual(['td_nd', ir.inputName]); // the position-wise Dense's reshape back
    const rebuilt = toLayersModel(ir, tf);
    const rows = tf.tensor2d([[1, 2, 0, 0, 0, 0, 0], [0, 3, 0, 4, 5, 0, 0], [0, 0, 0, 0, 0, 0, 0], [9, 8, 7, 6, 5, 4, 3]]);
    expect(weightsOf(rebuilt)).toEqual(weightsOf(original));
    // A position-wise Dense is a 1×1 convolution in the IR: float32 sums in another order, within 1e-6.
    const [got, want] = [predictions(rebuilt, rows), predictions(original, rows)];
    expect(Math.max(...got.map((v, i) => Math.abs(v - want[i])))).toBeLessThan(1e-6);
    // Masked as tfjs: the all-padding row (third) gives the head's zero bias alone, unlike the unmasked model.
    expect(Array.from(want.subarray(4, 6))).toEqual([0, 0]);
  });

  it('a Bidirectional layer with returnSequences carries the mask to the next recurrent layer, as tfjs (its mask role read from the layer it wraps), and round-trips', () => {
    const ids = tf.input({ shape: [8], name: 'ids' });
    let x = tf.layers.embedding({ inputDim: 20, outputDim: 5, maskZero: true, name: 'embed' }).apply(ids) as Sym;
    x = tf.layers.bidirectional({ layer: tf.layers.gru({ units: 4, returnSequences: true, ...init }) as tf.RNN, name: 'bi_gru' }).apply(x) as Sym;
    x = tf.layers.lstm({ units: 3, name: 'lstm', ...init }).apply(x) as Sym;
    const original = tf.model({ inputs: ids, outputs: tf.layers.dense({ units: 2, activation: 'softmax', name: 'head' }).apply(x) as Sym, name: 'stacked' });
    const ir = fromLayersModel(original);
    expect(ir.layers.filter((l) => l.config.kind === 'recurrent').map((l) => [l.name, l.inputs])).toEqual([['bi_gru', ['embed', 'ids']], ['lstm', ['bi_gru', 'ids']]]);
    const rebuilt = toLayersModel(ir, tf);
    const x2 = tf.tensor2d(PADDED);
    expect(predictions(rebuilt, x2)).toEqual(predictions(original, x2));
  });

  it('a mask that no recurrent layer reads (Flatten and GlobalAveragePooling1D drop it, as tfjs) converts, maskZero kept', () => {
    const ids = tf.input({ shape: [6] });
    const embedded = tf.layers.embedding({ inputDim: 9, outputDim: 3, maskZero: true, name: 'embed' }).apply(ids) as Sym;
    const pooled = tf.layers.globalAveragePooling1d({}).apply(embedded) as Sym;
    const flat = tf.layers.flatten().apply(embedded) as Sym;
    const original = tf.model({ inputs: ids, outputs: tf.layers.concatenate().apply([pooled, flat]) as Sym });
    const ir = fromLayersModel(original);
    expect(ir.layers[0].config).toEqual({ kind: 'embedding', inputDim: 9, outputDim: 3, maskZero: true });
    const x = tf.tensor2d([[1, 0, 2, 0, 0, 0], [0, 0, 0, 0, 0, 0]]);
    expect(predictions(toLayersModel(ir, tf), x)).toEqual(predictions(original, x));
  });

  it('refuses by name what tfjs masks in ways the IR does not follow: a stale mask after a Conv1D, a Softmax layer handed a mask, a merge of masked branches', () => {
    const model = (between: (x: Sym) => Sym, maskZero = true) => {
      const ids = tf.input({ shape: [6] });
      const x = between(tf.layers.embedding({ inputDim: 9, outputDim: 3, maskZero, name: 'embed' }).apply(ids) as Sym);
      return tf.model({ inputs: ids, outputs: tf.layers.lstm({ units: 2, name: 'lstm', ...init }).apply(x) as Sym });
    };
    const conv = (x: Sym) => tf.layers.conv1d({ filters: 3, kernelSize: 3, padding: 'same', name: 'conv' }).apply(x) as Sym;
    const stale = model(conv);
    // tfjs does apply the mask Conv1D dropped (execute() keeps it): the LSTM differs from the unmasked model's.
    const plain = model(conv, false);
    plain.setWeights(stale.getWeights());
    const x = tf.tensor2d([[1, 2, 0, 0, 0, 0]]);
    expect(predictions(stale, x)).not.toEqual(predictions(plain, x));
    const e = thrownError(() => fromLayersModel(stale));
    expect(isDcError(e) && [e.code, e.message]).toEqual(['UNSUPPORTED_LAYER', expect.stringContaining('"lstm" (LSTM): its input carries no mask')]);
    expect(() => fromLayersModel(plain)).not.toThrow();

    const softmax = model((y) => tf.layers.softmax({ name: 'scores' }).apply(tf.layers.dense({ units: 3 }).apply(y)) as Sym);
    const f = thrownError(() => fromLayersModel(softmax));
    expect(isDcError(f) && [f.code, f.message]).toEqual(['UNSUPPORTED_LAYER', expect.stringContaining('"scores" (Softmax): a Softmax layer handed a mask')]);

    const merged = model((y) => tf.layers.add({ name: 'sum' }).apply([tf.layers.dense({ units: 3 }).apply(y) as Sym, tf.layers.dense({ units: 3 }).apply(y) as Sym]) as Sym);
    const g = thrownError(() => fromLayersModel(merged));
    expect(isDcError(g) && [g.code, g.message]).toEqual(['UNSUPPORTED_LAYER', expect.stringContaining('"lstm" (LSTM): its input mask comes from a merge')]);
  });

  it('the reader requires the mask input exactly with maskValue and its steps; toLayersModel refuses a mask tfjs cannot propagate', () => {
    const ir = fromLayersModel(paddedText());
    const withLayer = (name: string, change: (l: Model['layers'][number]) => Model['layers'][number]): Model => ({ ...ir, layers: ir.layers.map((l) => (l.name === name ? change(l) : l)) });
    const noEdge = withLayer('lstm', (l) => ({ ...l, inputs: ['embed'] }));
    expect(thrownError(() => validateModel(noEdge))).toMatchObject({ code: 'INVALID_MODEL', message: expect.stringContaining('maskValue needs a second input') });
    const noValue = withLayer('lstm', (l) => ({ ...l, config: { ...(l.config as RecurrentConfig), maskValue: undefined } }));
    expect(thrownError(() => validateModel(noValue))).toMatchObject({ code: 'INVALID_MODEL', message: expect.stringContaining('needs maskValue') });
    const wrongSteps = withLayer('bi_gru', (l) => ({ ...l, inputs: ['drop', 'head'] }));
    expect(thrownError(() => validateModel(wrongSteps))).toMatchObject({ code: 'INVALID_MODEL' });

    const otherValue = withLayer('lstm', (l) => ({ ...l, config: { ...l.config, maskValue: 1 } }));
    expect(() => validateModel(otherValue)).not.toThrow();
    expect(thrownError(() => toLayersModel(otherValue, tf))).toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringContaining('"lstm": its mask cannot be expressed as tfjs mask propagation: "embed" masks id 0, not mask value 1') });
    const noMaskZero = withLayer('embed', (l) => ({ ...l, config: { kind: 'embedding', inputDim: 20, outputDim: 5 } }));
    expect(thrownError(() => toLayersModel(noMaskZero, tf))).toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringContaining('"lstm"') });
    // A recurrent node without a mask edge behind a maskZero Embedding: tfjs would mask it.
    const unmaskedGru = withLayer('bi_gru', (l) => ({ ...l, inputs: ['drop'], config: { ...(l.config as RecurrentConfig), maskValue: undefined } }));
    expect(thrownError(() => toLayersModel(unmaskedGru, tf))).toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringContaining('"bi_gru"') });
  });

  it('a masked LSTM retrains on padded sequences and keeps its pruned zeros', async () => {
    const n = 64;
    const rows = Array.from({ length: n }, (_, i) => Array.from({ length: 8 }, (_, t) => (t < 2 + (i % 6) ? 1 + ((i * 5 + t * 3) % 19) : 0)));
    const xs = tf.tensor2d(rows);
    const ys = tf.tensor1d(rows.map((r) => r.filter((v) => v > 0).length % 3), 'float32');
    const trainer = createTfjsTrainer({ tf, train: { xs, ys }, validation: { xs, ys }, loss: 'sparseCategoricalCrossentropy', batchSize: 16 });
    const model = fromLayersModel(paddedText());
    const mask = tf.keep(tf.tensor(Array.from({ length: 5 * 24 }, (_, i) => (i % 2 === 0 ? 0 : 1)), [5, 24]));
    const { model: tuned } = await trainer.fineTune(model, {
      epochs: 1,
      learningRate: 0.05,
      transformGradients: (grads, t) => ({ ...grads, 'lstm/kernel': t.mul(grads['lstm/kernel'], mask) }),
      constrainWeights: (vars, t) => void vars['lstm/kernel'].assign(t.mul(vars['lstm/kernel'], mask)),
    });
    mask.dispose();
    tf.dispose([xs, ys]);
    const [before, after] = [model, tuned].map((m) => m.layers[1].params.kernel!.values);
    expect(after.filter((_, i) => i % 2 === 0).every((v) => v === 0)).toBe(true);
    expect(after.filter((v, i) => i % 2 === 1 && v !== before[i]).length).toBeGreaterThan(40);
    // Still the masked model: the mask edges survive retraining.
    expect(tuned.layers.map((l) => l.inputs)).toEqual(model.layers.map((l) => l.inputs));
  });
});
