/**
 * The fuzzer's second opinion on a non-finite output: the same loaded model run by the tfjs
 * backend (tfjs's own kernels on its cpu backend) on the same input. Finite weights can still
 * overflow float32 in the model's arithmetic (a `multiply` squares a bias forged to 1e22): when
 * tfjs's output is non-finite at the same position, the non-finite value is the model's, not the
 * runtime's; where tfjs's is finite, or tfjs cannot run the model, nothing explains it.
 */
import type { LoadedModel } from '../model/loaded-model.js';
import { createSession } from '../session.js';
import { createTfjsBackend, type TfjsRuntimeBackend } from '../tfjs/tfjs-backend.js';

let backend: Promise<TfjsRuntimeBackend> | undefined;

/** tfjs's output of `model` on `input` (one sample), or undefined where tfjs cannot run the model (an op it refuses). */
export async function tfjsOutput(model: LoadedModel, input: Float32Array): Promise<Float32Array | undefined> {
  try {
    backend ??= createTfjsBackend({ tfBackend: 'cpu' }).then((b) => (b.tf.enableProdMode(), b));
    const session = await createSession(model, { backend: await backend });
    try {
      return await session.predict(input, 1);
    } finally {
      session.dispose();
    }
  } catch {
    return undefined;
  }
}

/** Whether tfjs's output of `model` on `input` is non-finite at `index` too (false where tfjs cannot run it). */
export async function tfjsAlsoNonFinite(model: LoadedModel, input: Float32Array, index: number): Promise<boolean> {
  const out = await tfjsOutput(model, input);
  return out !== undefined && !Number.isFinite(out[index]);
}
