import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import { thrownError } from '../testing/error-code.js';
import { readCompileConfig, type LossName } from './compile-config.js';
import { fromLayersModel } from './convert-from.js';
import { createTfjsTrainer } from './trainer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const [N, IN, OUT] = [48, 6, 4];

/** A regressor of four positive outputs (softplus), or of four probabilities (softmax): what each loss expects. */
function regressor(head: 'softplus' | 'softmax' | 'linear'): tf.LayersModel {
  return tf.sequential({
    name: `regressor-${head}`,
    layers: [
      tf.layers.dense({ name: 'hidden', inputShape: [IN], units: 8, activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
      tf.layers.dense({ name: 'out', units: OUT, activation: head, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
    ],
  });
}

/** Inputs, and targets in (0.05, 2) — rows summing to 1 for distributions. */
function data(distribution: boolean): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const r = createRandom(5);
  const xs = tf.tensor2d(Float32Array.from({ length: N * IN }, () => r.next() * 2 - 1), [N, IN]);
  const raw = Float32Array.from({ length: N * OUT }, () => 0.05 + 1.95 * r.next());
  const ys = tf.tensor2d(raw, [N, OUT]);
  return { xs, ys: distribution ? tf.div(ys, tf.sum(ys, 1, true)) : ys };
}

/** tfjs-layers' own value of `loss` (its loss functions by name, as model.compile takes them). */
function tfjsLayersLoss(lm: tf.LayersModel, loss: string, d: { xs: tf.Tensor; ys: tf.Tensor }): number {
  lm.compile({ optimizer: 'sgd', loss });
  return (lm.evaluate(d.xs, d.ys) as tf.Scalar).dataSync()[0];
}

describe('the losses of regressors, counts, distributions and embeddings', () => {
  const cases: [LossName, string, 'softplus' | 'softmax' | 'linear', boolean][] = [
    ['logcosh', 'logcosh', 'linear', false],
    ['meanAbsolutePercentageError', 'meanAbsolutePercentageError', 'softplus', false],
    ['meanSquaredLogarithmicError', 'meanSquaredLogarithmicError', 'softplus', false],
    ['poisson', 'poisson', 'softplus', false],
    ['kullbackLeiblerDivergence', 'kullbackLeiblerDivergence', 'softmax', true],
    ['cosineProximity', 'cosineProximity', 'linear', false],
  ];
  for (const [loss, tfjsName, head, distribution] of cases) {
    it(`${loss}: the trainer's mean loss equals tfjs-layers' own ${tfjsName}`, async () => {
      const lm = regressor(head);
      const d = data(distribution);
      const trainer = createTfjsTrainer({ tf, train: d, validation: d, loss });
      const ours = (await trainer.evaluate(fromLayersModel(lm))).loss;
      const theirs = tfjsLayersLoss(lm, tfjsName, d);
      expect(Math.abs(ours - theirs) / Math.abs(theirs)).toBeLessThan(1e-5);
      tf.dispose([d.xs, d.ys]);
      lm.dispose();
    });
  }

  it("huber: tfjs-core's huberLoss with Keras' delta 1, or the delta a Huber class config gives", async () => {
    const lm = regressor('linear');
    const d = data(false);
    const ir = fromLayersModel(lm);
    for (const delta of [1, 0.25]) {
      const compile = readCompileConfig({ loss: delta === 1 ? 'huber' : { class_name: 'Huber', config: { delta } } });
      expect(compile).toMatchObject({ loss: 'huber', ...(delta === 1 ? {} : { huberDelta: delta }) });
      const ours = (await createTfjsTrainer({ tf, train: d, validation: d, compile }).evaluate(ir)).loss;
      const theirs = tf.losses.huberLoss(d.ys, lm.predict(d.xs) as tf.Tensor, undefined, delta).dataSync()[0];
      expect(Math.abs(ours - theirs) / theirs).toBeLessThan(1e-5);
    }
    // It trains: the loss falls.
    const trainer = createTfjsTrainer({ tf, train: d, validation: d, loss: 'huber', batchSize: 16, seed: 1 });
    const { epochs } = await trainer.fineTune(ir, { epochs: 5, learningRate: 0.05 });
    expect(epochs[4].loss).toBeLessThan(epochs[0].loss);
    tf.dispose([d.xs, d.ys]);
    lm.dispose();
  });

  it('reads the spellings Keras and tfjs write; a loss the trainer lacks is recorded, and the trainer refuses it rather than train by another', () => {
    const names = ['huber_loss', 'log_cosh', 'logcosh', 'mape', 'mean_squared_logarithmic_error', 'poisson', 'kl_divergence', 'kld', 'KLDivergence', 'cosine_similarity', 'CosineSimilarity'];
    expect(names.map((loss) => readCompileConfig({ loss }).loss)).toEqual([
      'huber', 'logcosh', 'logcosh', 'meanAbsolutePercentageError', 'meanSquaredLogarithmicError', 'poisson', 'kullbackLeiblerDivergence', 'kullbackLeiblerDivergence', 'kullbackLeiblerDivergence', 'cosineProximity', 'cosineProximity',
    ]);
    const focal = readCompileConfig({ loss: 'binary_focal_crossentropy' });
    expect(focal).toMatchObject({ unsupportedLoss: 'binary_focal_crossentropy', unsupported: ['binary_focal_crossentropy'] });
    expect(focal.loss).toBeUndefined();
    const d = data(false);
    const e = thrownError(() => createTfjsTrainer({ tf, train: d, validation: d, compile: focal }));
    expect([e.code, e.option]).toEqual(['INVALID_OPTION', 'loss']);
    expect(e.message).toMatch(/compiled with loss binary_focal_crossentropy, which dc's trainer does not compute/);
    // An explicit loss of the caller's takes its place.
    expect(() => createTfjsTrainer({ tf, train: d, validation: d, compile: focal, loss: 'meanSquaredError' })).not.toThrow();
    tf.dispose([d.xs, d.ys]);
  });
});

describe('the margin losses of classifiers trained as SVMs', () => {
  /** `count` rows of OUT labels: −1/1, 0/1 (the same signs), or one-hot rows. */
  function labels(kind: 'signs' | 'bits' | 'oneHot', seed: number): tf.Tensor2D {
    const r = createRandom(seed);
    const values = Float32Array.from({ length: N * OUT }, () => (r.next() < 0.5 ? 1 : 0));
    if (kind === 'oneHot') return tf.oneHot(tf.tensor1d(Array.from({ length: N }, () => Math.floor(r.next() * OUT)), 'int32'), OUT).toFloat() as tf.Tensor2D;
    return tf.tensor2d(kind === 'bits' ? values : values.map((v) => 2 * v - 1), [N, OUT]);
  }

  for (const [loss, keras] of [['hinge', 'hinge'], ['squaredHinge', 'squared_hinge']] as const) {
    it(`${loss}: equals tfjs-layers' own on −1/1 labels, and takes 0/1 labels as −1/1 as Keras does; model.json's "${keras}" reads as it`, async () => {
      expect(readCompileConfig({ loss: keras }).loss).toBe(loss);
      const lm = regressor('linear');
      const xs = data(false).xs;
      const [signs, bits] = [labels('signs', 8), labels('bits', 8)];
      const ir = fromLayersModel(lm);
      const theirs = tfjsLayersLoss(lm, loss, { xs, ys: signs });
      for (const ys of [signs, bits]) {
        const ours = (await createTfjsTrainer({ tf, train: { xs, ys }, validation: { xs, ys }, loss }).evaluate(ir)).loss;
        expect(Math.abs(ours - theirs) / theirs).toBeLessThan(1e-5);
      }
      tf.dispose([xs, signs, bits]);
      lm.dispose();
    });
  }

  it("categoricalHinge: equals tfjs-layers' own on one-hot rows, and takes class indices as those rows; accuracy is the arg max's", async () => {
    const lm = regressor('linear');
    const xs = data(false).xs;
    const ys = labels('oneHot', 9);
    const result = await createTfjsTrainer({ tf, train: { xs, ys }, validation: { xs, ys }, loss: 'categoricalHinge' }).evaluate(fromLayersModel(lm));
    const theirs = tfjsLayersLoss(lm, 'categoricalHinge', { xs, ys });
    expect(Math.abs(result.loss - theirs) / theirs).toBeLessThan(1e-5);
    const right = tf.equal(tf.argMax(lm.predict(xs) as tf.Tensor, -1), tf.argMax(ys, -1)).sum().dataSync()[0];
    expect(result.accuracy).toBeCloseTo(right / N, 6);
    // Class indices in place of the one-hot rows: the same loss and accuracy.
    const indices = tf.argMax(ys, -1);
    const byIndex = await createTfjsTrainer({ tf, train: { xs, ys: indices }, validation: { xs, ys: indices }, loss: 'categoricalHinge' }).evaluate(fromLayersModel(lm));
    expect([byIndex.loss, byIndex.accuracy]).toEqual([result.loss, result.accuracy]);
    tf.dispose([xs, ys, indices]);
    lm.dispose();
  });

  it('a one-output SVM on 0/1 labels trains by hinge: its loss falls, and its accuracy takes the side of 0 as the class', async () => {
    const lm = tf.sequential({ layers: [tf.layers.dense({ inputShape: [IN], units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) })] });
    const xs = data(false).xs;
    // The class: the sign of a fixed direction in input space.
    const ys = tf.cast(tf.greater(tf.matMul(xs, tf.tensor2d([1, -2, 0.5, 0, 1, -1], [IN, 1])), 0), 'float32');
    const trainer = createTfjsTrainer({ tf, train: { xs, ys }, validation: { xs, ys }, loss: 'hinge', batchSize: 16, seed: 1 });
    const ir = fromLayersModel(lm);
    const { epochs } = await trainer.fineTune(ir, { epochs: 8, learningRate: 0.05 });
    expect(epochs[7].loss).toBeLessThan(epochs[0].loss);
    const before = await trainer.evaluate(ir);
    const out = lm.predict(xs) as tf.Tensor;
    const right = tf.equal(tf.greater(out, 0), tf.greater(ys, 0.5)).sum().dataSync()[0];
    expect(before.accuracy).toBeCloseTo(right / N, 6);
    tf.dispose([xs, ys, out]);
    lm.dispose();
  });
});
