import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { listParams } from '../ir/params.js';
import { createRandom } from '../random.js';
import { miniFaceNet as makeFaceNet } from '../testing/face-net.js';
import { thrownError, thrownErrorCode } from '../testing/error-code.js';
import { fromLayersModel } from './convert-from.js';
import { toLayersModel } from './convert-to.js';
import { convertConfig } from './layer-configs.js';
import { predictions, weightsOf } from './layers-model.test-support.js';
import { createTfjsTrainer } from './trainer.js';
import { variablesByKey } from './variables.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Sym = tf.SymbolicTensor;
const miniFaceNet = () => makeFaceNet(tf);

describe('PReLU layers', () => {
  it('become prelu nodes holding alpha as tfjs holds it: [1, 1, C] with sharedAxes [1, 2], the whole shape without', () => {
    const ir = fromLayersModel(miniFaceNet());
    const node = (name: string) => ir.layers.find((l) => l.name === name)!;
    expect(node('prelu1').config).toEqual({ kind: 'prelu', sharedAxes: [1, 2] });
    expect(node('prelu3').config).toEqual({ kind: 'prelu' });
    expect(['prelu1', 'prelu2', 'prelu3', 'prelu4', 'prelu5'].map((n) => node(n).params.alpha!.shape)).toEqual([[1, 1, 8], [1, 1, 8], [6, 6, 16], [1, 1, 16], [12]]);
    expect(listParams(ir).filter((p) => p.layer.config.kind === 'prelu').map((p) => p.key)).toEqual(['prelu1/alpha', 'prelu2/alpha', 'prelu3/alpha', 'prelu4/alpha', 'prelu5/alpha']);
    const original = miniFaceNet();
    expect(Array.from(fromLayersModel(original).layers.find((l) => l.name === 'prelu1')!.params.alpha!.values)).toEqual(Array.from(original.getLayer('prelu1').getWeights()[0].dataSync()));
  });

  it('round-trip through tfjs as real PReLU layers: weights bit-identical, configs and predictions equal', () => {
    const original = miniFaceNet();
    const ir = fromLayersModel(original);
    const rebuilt = toLayersModel(ir, tf);
    expect(rebuilt.getLayer('prelu1').getClassName()).toBe('PReLU');
    expect(rebuilt.getLayer('prelu1').getConfig().sharedAxes).toEqual([1, 2]);
    expect(rebuilt.getLayer('prelu3').getConfig().sharedAxes).toBeNull();
    expect(weightsOf(rebuilt)).toEqual(weightsOf(original));
    expect(fromLayersModel(rebuilt).layers).toEqual(ir.layers);
    const x = tf.randomUniform([3, 12, 12, 3], -1, 1, 'float32', 7);
    const want = predictions(original, x);
    expect(Array.from(predictions(rebuilt, x))).toEqual(Array.from(want));
    // Negative slopes really apply: with every alpha 0 (ReLU) the model predicts otherwise.
    const relu = toLayersModel({ ...ir, layers: ir.layers.map((l) => (l.config.kind === 'prelu' ? { ...l, params: { alpha: { shape: l.params.alpha!.shape, values: new Float32Array(l.params.alpha!.values.length) } } } : l)) }, tf);
    expect(Array.from(predictions(relu, x))).not.toEqual(Array.from(want));
  });

  it('takes sharedAxes as tfjs does (one number, a list in any order, null); the batch axis and odd values are refused by name', () => {
    expect(convertConfig('p', 'PReLU', { sharedAxes: null, alphaInitializer: { className: 'Constant', config: { value: 0.25 } }, alphaRegularizer: null, alphaConstraint: null })).toEqual([{ kind: 'prelu' }]);
    expect(convertConfig('p', 'PReLU', { sharedAxes: 2 })).toEqual([{ kind: 'prelu', sharedAxes: [2] }]);
    expect(convertConfig('p', 'PReLU', { sharedAxes: [2, 1, 2] })).toEqual([{ kind: 'prelu', sharedAxes: [1, 2] }]);
    expect(convertConfig('p', 'PReLU', { sharedAxes: [] })).toEqual([{ kind: 'prelu' }]);
    for (const sharedAxes of [[0, 1], [-1], [1.5], ['1']]) {
      const e = thrownError(() => convertConfig('p', 'PReLU', { sharedAxes }));
      expect([e.code, e.tensor]).toEqual(['UNSUPPORTED_LAYER', 'p']);
      expect(e.message).toContain('"p" (PReLU): sharedAxes');
      expect(e.hint).toContain('PReLU');
    }
    // TimeDistributed(PReLU) would share its alpha across the steps: refused by name.
    const input = tf.input({ shape: [5, 4] });
    const wrapped = tf.layers.timeDistributed({ layer: tf.layers.prelu({}), name: 'steps' }).apply(input) as Sym;
    expect(thrownErrorCode(() => fromLayersModel(tf.model({ inputs: input, outputs: wrapped })))).toBe('UNSUPPORTED_LAYER');
  });

  it('pass an Embedding\'s mask on to a recurrent layer, as tfjs does (PReLU supports masking), and round-trip so', () => {
    const ids = tf.input({ shape: [6], name: 'ids' });
    let x = tf.layers.embedding({ inputDim: 9, outputDim: 4, maskZero: true, embeddingsInitializer: 'randomNormal', name: 'embed' }).apply(ids) as Sym;
    x = tf.layers.prelu({ alphaInitializer: tf.initializers.constant({ value: 0.25 }), sharedAxes: [1], name: 'prelu' }).apply(x) as Sym;
    x = tf.layers.lstm({ units: 3, name: 'lstm' }).apply(x) as Sym;
    const original = tf.model({ inputs: ids, outputs: x, name: 'masked' });
    const ir = fromLayersModel(original);
    expect(ir.layers.find((l) => l.name === 'prelu')!.params.alpha!.shape).toEqual([1, 4]);
    expect(ir.layers.find((l) => l.name === 'lstm')!.config).toMatchObject({ maskValue: 0 });
    expect(ir.layers.find((l) => l.name === 'lstm')!.inputs).toEqual(['prelu', 'ids']);
    const padded = tf.tensor2d([[3, 5, 1, 0, 0, 0], [8, 2, 0, 0, 0, 0]]);
    expect(Array.from(predictions(toLayersModel(ir, tf), padded))).toEqual(Array.from(predictions(original, padded)));
  });

  it('train as batch norm\'s gamma and beta do: alpha learns unless frozen, and the trainer keys it <layer>/alpha', async () => {
    const model = fromLayersModel(miniFaceNet());
    const n = 24;
    const r = createRandom(3);
    const xs = tf.tensor4d(Float32Array.from({ length: n * 432 }, () => r.next() * 2 - 1), [n, 12, 12, 3]);
    const ys = tf.tensor1d(Int32Array.from({ length: n }, () => r.int(4)), 'int32');
    const lm = toLayersModel(model, tf);
    expect(Object.keys(variablesByKey(lm)).filter((k) => k.endsWith('/alpha'))).toEqual(['prelu1/alpha', 'prelu2/alpha', 'prelu3/alpha', 'prelu4/alpha', 'prelu5/alpha']);
    lm.dispose();
    const trainer = createTfjsTrainer({ tf, train: { xs, ys }, validation: { xs, ys }, loss: 'sparseCategoricalCrossentropy', batchSize: 8 });
    const alphaOf = (m: typeof model, name: string) => m.layers.find((l) => l.name === name)!.params.alpha!;
    const { model: tuned } = await trainer.fineTune(model, { epochs: 1, learningRate: 0.01, optimizer: 'sgd', frozen: ['prelu1/alpha'] });
    expect(alphaOf(tuned, 'prelu1')).toEqual(alphaOf(model, 'prelu1'));
    for (const name of ['prelu2', 'prelu4', 'prelu5']) {
      expect(alphaOf(tuned, name).shape).toEqual(alphaOf(model, name).shape);
      expect(alphaOf(tuned, name).values).not.toEqual(alphaOf(model, name).values);
    }
    expect(tuned.layers.find((l) => l.name === 'conv1')!.params.kernel!.values).not.toEqual(model.layers.find((l) => l.name === 'conv1')!.params.kernel!.values);
    tf.dispose([xs, ys]);
  });
});
