/**
 * A dc IR model (a LayersModel loaded by `loadModel`) as the post-training planner runs it: built
 * once as a tfjs LayersModel, each run assigns the substituted kernels to their variables, predicts
 * and restores the originals.
 */
import type * as tf from '@tensorflow/tfjs';
import type { OutputBatch } from '@dc/allocate';
import type { Model } from '@dc/core';
import { toLayersModel, variablesByKey, variablesOfParam } from '@dc/core/tfjs';

/** `run(weights, batch)` for a dc model; weights are keyed `<layer>/kernel`. */
export interface LayersRunner {
  run(weights: ReadonlyMap<string, Float32Array>, batch: tf.Tensor): Promise<OutputBatch[]>;
  dispose(): void;
}

/** Wraps `model` (see the module comment). */
export function createLayersRunner(tfjs: typeof tf, model: Model): LayersRunner {
  const lm = toLayersModel(model, tfjs);
  const variables = variablesByKey(lm);
  return {
    async run(weights, batch) {
      const saved: [tf.Variable, tf.Tensor][] = [];
      try {
        for (const [key, all] of weights) {
          // A Bidirectional layer's parameter is two variables, one per pass.
          for (const [v, values] of variablesOfParam(variables, key, all)) {
            saved.push([v, tfjs.clone(v)]);
            const t = tfjs.tensor(values, v.shape, 'float32');
            v.assign(t);
            t.dispose();
          }
        }
        const y = lm.predict(batch) as tf.Tensor;
        const out = { shape: y.shape, values: Float32Array.from(await y.data()) };
        y.dispose();
        return [out];
      } finally {
        for (const [v, old] of saved) {
          v.assign(old);
          old.dispose();
        }
      }
    },
    dispose: () => lm.dispose(),
  };
}
