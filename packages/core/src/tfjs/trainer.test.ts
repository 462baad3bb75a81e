import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { snapshot } from '../testing/stage-contract.js';
import { syntheticImageSet as syntheticSet, tinyDenseModel } from '../testing/fixtures.js';
import { createTfjsTrainer } from './trainer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const train = syntheticSet(512, 1);
const evaluation = syntheticSet(256, 2);

describe('createTfjsTrainer', () => {
  it('learns, and the input model is never mutated', async () => {
    const trainer = createTfjsTrainer({ tf, train, evaluation, batchSize: 32 });
    const model = tinyDenseModel(3);
    const before = snapshot(model);
    const baseline = await trainer.evaluate(model);
    const { model: tuned, epochs } = await trainer.fineTune(model, { epochs: 4, learningRate: 0.01 });
    expect(snapshot(model)).toEqual(before);
    expect(epochs).toHaveLength(4);
    expect(epochs[3].loss).toBeLessThan(epochs[0].loss);
    expect((await trainer.evaluate(tuned)).accuracy).toBeGreaterThan(Math.max(0.9, baseline.accuracy));
    expect(tuned.name).toBe(model.name);
  });

  it('applies transformGradients and constrainWeights every step: masked weights stay exactly 0', async () => {
    const trainer = createTfjsTrainer({ tf, train, evaluation, batchSize: 32 });
    const model = tinyDenseModel(4);
    const mask = new Float32Array(64 * 32).map((_, i) => (i % 3 === 0 ? 0 : 1));
    const maskT = tf.keep(tf.tensor(mask, [64, 32]));
    let transformed = 0;
    let constrained = 0;
    const kernelBefore = model.layers[0].params.kernel!.values;
    const { model: tuned } = await trainer.fineTune(model, {
      epochs: 2,
      learningRate: 0.01,
      transformGradients: (grads, t) => (transformed++, { ...grads, 'fc1/kernel': t.mul(grads['fc1/kernel'], maskT) }),
      constrainWeights: (vars, t) => {
        constrained++;
        vars['fc1/kernel'].assign(t.mul(vars['fc1/kernel'], maskT));
      },
    });
    maskT.dispose();
    expect(transformed).toBe(2 * 16);
    expect(constrained).toBe(2 * 16);
    const kernel = tuned.layers[0].params.kernel!.values;
    let changed = 0;
    for (let i = 0; i < kernel.length; i++) {
      if (mask[i] === 0) expect(Object.is(kernel[i], 0) || Object.is(kernel[i], -0)).toBe(true);
      else if (kernel[i] !== kernelBefore[i]) changed++;
    }
    expect(changed).toBeGreaterThan(0.9 * (kernel.length * 2) / 3);
  });

  it('stops with TRAINING_DIVERGED, naming the epoch, the tensor and the learning rate, when retraining turns the weights NaN', async () => {
    const trainer = createTfjsTrainer({ tf, train, evaluation, batchSize: 32 });
    let epochsEnded = 0;
    // Adam moves each weight by about the learning rate per step: 1e38 overflows float32 within the first epoch.
    const diverging = trainer.fineTune(tinyDenseModel(3), { epochs: 3, learningRate: 1e38, onEpochEnd: () => epochsEnded++ });
    await expect(diverging).rejects.toMatchObject({ code: 'TRAINING_DIVERGED', message: expect.stringMatching(/^\[TRAINING_DIVERGED\] retraining diverged in epoch 1 at learning rate 1e\+38: tensor "fc\d\/(kernel|bias)" holds NaN or infinite values$/), hint: expect.stringContaining('--prune-lr') });
    expect(epochsEnded).toBe(0);
  });

  it('keeps frozen parameters bit-identical', async () => {
    const trainer = createTfjsTrainer({ tf, train, evaluation, batchSize: 64 });
    const model = tinyDenseModel(5);
    const { model: tuned } = await trainer.fineTune(model, { epochs: 1, learningRate: 0.01, frozen: ['fc2/kernel', 'fc2/bias'] });
    expect(tuned.layers[1].params.kernel!.values).toEqual(model.layers[1].params.kernel!.values);
    expect(tuned.layers[0].params.kernel!.values).not.toEqual(model.layers[0].params.kernel!.values);
  });

  it('stops with ABORTED when the signal fires, without leaking tensors', async () => {
    const trainer = createTfjsTrainer({ tf, train, evaluation, batchSize: 32 });
    const controller = new AbortController();
    const tensors = tf.memory().numTensors;
    const run = trainer.fineTune(tinyDenseModel(6), {
      epochs: 3,
      learningRate: 0.01,
      signal: controller.signal,
      onProgress: (p) => p.batch === 5 && controller.abort(),
    });
    await expect(run).rejects.toThrow(/ABORTED/);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('is reproducible: the same seed gives bit-identical weights', async () => {
    const a = await createTfjsTrainer({ tf, train, evaluation, seed: 9 }).fineTune(tinyDenseModel(7), { epochs: 1, learningRate: 0.01 });
    const b = await createTfjsTrainer({ tf, train, evaluation, seed: 9 }).fineTune(tinyDenseModel(7), { epochs: 1, learningRate: 0.01 });
    expect(snapshot(b.model)).toEqual(snapshot(a.model));
  });
});
