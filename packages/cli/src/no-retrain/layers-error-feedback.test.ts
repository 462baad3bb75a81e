import * as tf from '@tensorflow/tfjs';
import { createPipeline, createRandom, listParams, type Model, type Stage } from '@dc/core';
import { tinyConvModel } from '@dc/core/testing';
import { toLayersModel } from '@dc/core/tfjs';
import { pruneLowMagnitude } from '@dc/prune';
import { clusterWeights } from '@dc/quantize';
import { beforeAll, describe, expect, it } from 'vitest';
import { layersCompressTensor } from './layers-compress-tensor.js';
import { errorFeedbackStage, layersErrorFeedback } from './layers-error-feedback.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const model = tinyConvModel(3);
const kernels = listParams(model).filter((r) => r.param === 'kernel');
const originals = new Map(kernels.map((r) => [r.key, r.tensor.values]));
const random = createRandom(7);
// Calibration images whose pixels move together in rows: moments far from the identity.
const calibration = [tf.tensor4d(Float32Array.from({ length: 48 * 144 }, (_, i) => Math.sin(i / 12) * random.next()), [48, 12, 12, 1])];
const [SPARSITY, BITS] = [0.5, 3];

/** The model pruned to SPARSITY and clustered to BITS bits, as `dc compress --no-retrain --calibration` writes it, with `extra` stages after clustering. */
async function compressed(extra: Stage[] = []): Promise<Model> {
  const sparsity = Object.fromEntries(kernels.map((r) => [r.key, SPARSITY]));
  const layerBits = Object.fromEntries(kernels.map((r) => [r.key, BITS]));
  const stages = [pruneLowMagnitude({ sparsity: { '*': 0, ...sparsity }, evaluate: false }), clusterWeights({ bits: 8, layerBits, init: 'linear', evaluate: false }), ...extra] as Stage[];
  return (await createPipeline().useAll(stages).run(model, { seed: 1 })).model;
}

/** Relative L2 error of `m`'s outputs on the calibration images against the original's. */
function outputError(m: Model): number {
  const [a, b] = [toLayersModel(model, tf), toLayersModel(m, tf)];
  try {
    return tf.tidy(() => {
      const [y, y2] = [a.predict(calibration[0]) as tf.Tensor, b.predict(calibration[0]) as tf.Tensor];
      return tf.norm(tf.sub(y2, y)).dataSync()[0] / tf.norm(y).dataSync()[0];
    });
  } finally {
    a.dispose();
    b.dispose();
  }
}

describe('error feedback for a LayersModel', () => {
  it('measures the moments of the conv2d and dense kernels\' inputs, and codes each kernel in the file as the planner priced it', async () => {
    const feedback = await layersErrorFeedback(tf, model, new Set(originals.keys()), calibration, { centered: false });
    expect([...feedback.keys()].sort()).toEqual(['conv1/kernel', 'fc/kernel']);
    expect(feedback.get('conv1/kernel')!.inputs).toBe(3 * 3 * 1);
    const written = await compressed([errorFeedbackStage(originals, feedback) as Stage]);
    for (const ref of listParams(written).filter((r) => originals.has(r.key))) {
      const planned = layersCompressTensor(false, feedback.get(ref.key))(originals.get(ref.key)!, SPARSITY, BITS);
      expect(Array.from(ref.tensor.values)).toEqual(Array.from(planned.values));
      expect(planned.error).toBeGreaterThan(0);
    }
    // Codes chosen for the layers' outputs: the model's output moves less than with the nearest centroid.
    const [plain, fed] = [outputError(await compressed()), outputError(written)];
    expect(fed).toBeLessThan(plain);
  });
});
