/**
 * A tfjs GraphModel as the post-training planner runs it: `run(weights, inputs)` executes the
 * model with some weights substituted (the executor's weight map swapped for the call, then
 * restored), so no model is rebuilt per evaluation.
 */
import type * as tf from '@tensorflow/tfjs';
import type { OutputBatch } from '@dc/allocate';
import { executeGraph } from '@dc/graph-model';

/** A loaded model (a GraphModel, or a LayersModel kept as given) with weight substitution. */
export interface ModelRunner {
  /** The model's inputs (name, shape with -1 for free dimensions, dtype). */
  readonly inputs: readonly { readonly name: string; readonly shape: readonly number[]; readonly dtype: string }[];
  /** Output node names, in the order `run` returns them. */
  readonly outputs: readonly string[];
  /** Runs `batch` (one tensor per model input) with `weights` substituted; every output as float32. */
  run(weights: ReadonlyMap<string, Float32Array>, batch: readonly tf.Tensor[]): Promise<OutputBatch[]>;
  dispose(): void;
}

/** A loaded GraphModel with weight substitution. */
export interface GraphRunner extends ModelRunner {
  readonly model: tf.GraphModel;
}

/** A GraphModel's inputs as the runners describe them: name, shape with -1 for free dimensions, dtype. */
export const graphInputs = (model: tf.GraphModel): ModelRunner['inputs'] => model.inputs.map((i) => ({ name: i.name, shape: (i.shape ?? []).map((d) => d ?? -1), dtype: i.dtype }));

interface Executor {
  weightMap: Record<string, tf.Tensor[]>;
}

/** Loads `artifacts` into a GraphModel on the active backend of `tfjs` and wraps it (see the module comment). */
export async function createGraphRunner(tfjs: typeof tf, artifacts: tf.io.ModelArtifacts): Promise<GraphRunner> {
  const model = await tfjs.loadGraphModel(tfjs.io.fromMemory(artifacts));
  const executor = (model as unknown as { executor: Executor }).executor;
  const original = executor.weightMap;
  const outputs = model.outputs.map((o) => o.name);
  return {
    model,
    inputs: graphInputs(model),
    outputs,
    async run(weights, batch) {
      const created: tf.Tensor[] = [];
      const map = { ...original };
      for (const [name, values] of weights) {
        const old = original[name]?.[0];
        if (!old) continue;
        const t = tfjs.tensor(values, old.shape, 'float32');
        created.push(t);
        map[name] = [t];
      }
      executor.weightMap = map;
      try {
        const list = await executeGraph(model, batch.length === 1 ? batch[0] : [...batch], outputs);
        const out = await Promise.all(list.map(async (t) => ({ shape: t.shape, values: Float32Array.from(await t.data()) })));
        tfjs.dispose(list);
        return out;
      } finally {
        executor.weightMap = original;
        tfjs.dispose(created);
      }
    },
    dispose: () => model.dispose(),
  };
}
