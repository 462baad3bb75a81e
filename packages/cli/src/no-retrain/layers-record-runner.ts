/**
 * A LayersModel kept as given (its model.json, not dc's layer graph) as the post-training planner
 * runs it: built once by `tf.loadLayersModel`, each run assigns the substituted weights to the
 * variables tfjs loaded them into (matched by manifest name), predicts every output and restores
 * the originals.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError, isDcError } from '@dc/core';
import type { ModelRunner } from './graph-runner.js';

/**
 * `tf.loadLayersModel(handler)`, with a model tfjs cannot build (a custom layer class it does not
 * know, weights that do not fit the layers: a forged file's) `UNSUPPORTED_LAYER` naming `source`
 * and tfjs's reason; the handler's `DcError`s as they are.
 */
export async function buildLayersModel(tfjs: typeof tf, handler: tf.io.IOHandler, source: string): Promise<tf.LayersModel> {
  return tfjs.loadLayersModel(handler).catch((cause: unknown) => {
    // The handler's own errors (a damaged file) as they are.
    if (isDcError(cause)) throw cause;
    throw new DcError('UNSUPPORTED_LAYER', `tfjs cannot build ${source}: ${(cause as Error).message}`, {
      cause,
      hint: 'A custom layer must be registered with tf.serialization.registerClass before loading: compress such a model from code (@dc/graph-model and @dc/allocate).',
    });
  });
}

/** Loads `artifacts` (a LayersModel's, read from `source`) on the active backend of `tfjs` and wraps it (see the module comment); see {@link buildLayersModel}. */
export async function createLayersRecordRunner(tfjs: typeof tf, artifacts: tf.io.ModelArtifacts, source: string): Promise<ModelRunner & { readonly layers: tf.LayersModel }> {
  const model = await buildLayersModel(tfjs, tfjs.io.fromMemory(artifacts), source);
  // tfjs matches a manifest weight to the variable whose originalName it is (a shared layer's once).
  const variables = new Map(model.weights.map((w) => [w.originalName, w]));
  return {
    layers: model,
    inputs: model.inputs.map((i, k) => ({ name: model.inputNames[k], shape: i.shape.map((d) => d ?? -1), dtype: i.dtype })),
    outputs: model.outputNames,
    async run(weights, batch) {
      const saved: [tf.LayerVariable, tf.Tensor][] = [];
      try {
        for (const [name, values] of weights) {
          const v = variables.get(name);
          if (!v) continue;
          saved.push([v, v.read().clone()]);
          const t = tfjs.tensor(values, v.shape as number[], 'float32');
          v.write(t);
          t.dispose();
        }
        const y = model.predict(batch.length === 1 ? batch[0] : [...batch]);
        const list = Array.isArray(y) ? y : [y];
        const out = await Promise.all(list.map(async (t) => ({ shape: t.shape, values: Float32Array.from(await t.data()) })));
        tfjs.dispose(list);
        return out;
      } finally {
        for (const [v, old] of saved) {
          v.write(old);
          old.dispose();
        }
      }
    },
    dispose: () => model.dispose(),
  };
}
