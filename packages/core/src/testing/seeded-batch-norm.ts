import type * as tf from '@tensorflow/tfjs';

/**
 * A `BatchNormalization` layer whose shift, scale and statistics are random, drawn from the seeds
 * `next()` hands out (so a test model's batch norms all matter, and folding them is checked).
 */
export function seededBatchNorm(tfjs: typeof tf, name: string, next: () => number): tf.layers.Layer {
  return tfjs.layers.batchNormalization({
    name,
    betaInitializer: tfjs.initializers.randomNormal({ stddev: 0.1, seed: next() }),
    gammaInitializer: tfjs.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: next() }),
    movingMeanInitializer: tfjs.initializers.randomNormal({ stddev: 0.1, seed: next() }),
    movingVarianceInitializer: tfjs.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: next() }),
  });
}
