/**
 * A LayersModel kept as given (its model.json, not dc's layer graph) as the post-training planner
 * and `dc run` run it: built once by `tf.loadLayersModel`; each planner run assigns the substituted
 * weights to the variables tfjs loaded them into (matched by manifest name), predicts every output
 * and restores the originals.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError, isDcError } from '@dc/core';
import { loadLayersModelArtifacts, type GraphModelSource } from '@dc/graph-model';
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

/** `e` with the layer graph's refusal `because` added to its message, when there was one (not `--keep-topology`). */
function withRefusal(e: unknown, because: string): unknown {
  if (!isDcError(e) || because === '--keep-topology') return e;
  return new DcError(e.code, `${e.message.replace(/^\[[A-Z_]+\] /, '')}; dc's layer graph refused it too: ${because}`, { cause: e, ...(e.hint ? { hint: e.hint } : {}) });
}

/**
 * The LayersModel at `path`, kept as given because of `because` (the layer graph's refusal, or
 * `--keep-topology`): its source (`loadLayersModelArtifacts`) and the model tfjs builds from it,
 * so that only a model tfjs builds is planned or written; either's error carries the refusal.
 */
export async function loadAsGiven(tfjs: typeof tf, path: string, because: string): Promise<{ source: GraphModelSource; model: tf.LayersModel }> {
  try {
    const source = await loadLayersModelArtifacts(path, { tf: tfjs });
    return { source, model: await buildLayersModel(tfjs, tfjs.io.fromMemory(source.artifacts), path) };
  } catch (e) {
    throw withRefusal(e, because);
  }
}

/** A LayersModel's inputs as the runners describe them: the input layers' names, free extents -1. */
export const layersInputs = (model: tf.LayersModel): ModelRunner['inputs'] => model.inputs.map((i, k) => ({ name: model.inputNames[k], shape: i.shape.map((d) => d ?? -1), dtype: i.dtype }));

/** Every output of `model` on `feed` (one tensor per input), as a list. */
export function predictAll(model: tf.LayersModel, feed: readonly tf.Tensor[]): tf.Tensor[] {
  const y = model.predict(feed.length === 1 ? feed[0] : [...feed]);
  return Array.isArray(y) ? y : [y];
}

/** `model` (built on the active backend of `tfjs`) as the planner runs it (see the module comment); disposing the runner disposes it. */
export function layersRecordRunner(tfjs: typeof tf, model: tf.LayersModel): ModelRunner {
  // tfjs matches a manifest weight to the variable whose originalName it is (a shared layer's once).
  const variables = new Map(model.weights.map((w) => [w.originalName, w]));
  return {
    inputs: layersInputs(model),
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
        const list = predictAll(model, batch);
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
