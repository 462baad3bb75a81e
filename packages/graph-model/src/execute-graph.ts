/**
 * Running a tfjs GraphModel to some of its nodes the one way that works for every graph:
 * `execute` where the graph allows it, `executeAsync` where it has control flow or dynamic shapes
 * (a while loop, non-max suppression), which `execute` refuses before running anything.
 */
import type * as tf from '@tensorflow/tfjs';

/**
 * Per model, the node lists `execute` refused once: a planner runs a model hundreds of times, so
 * those go straight to `executeAsync` (a list of nodes before the graph's loop may still `execute`).
 */
const refused = new WeakMap<tf.GraphModel, Set<string>>();

/** Runs `model` on `inputs` to the nodes `names` (see the module comment); one tensor per name. */
export async function executeGraph(model: tf.GraphModel, inputs: tf.Tensor | tf.Tensor[], names: string[]): Promise<tf.Tensor[]> {
  const key = names.join('\n');
  let out: tf.Tensor | tf.Tensor[] | undefined;
  if (!refused.get(model)?.has(key)) {
    try {
      out = model.execute(inputs, names);
    } catch (e) {
      if (!/executeAsync|dynamic|control flow/i.test(String((e as Error).message))) throw e;
      refused.set(model, (refused.get(model) ?? new Set()).add(key));
    }
  }
  out ??= await model.executeAsync(inputs, names);
  return Array.isArray(out) ? out : [out];
}
