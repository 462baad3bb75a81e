/** The outputs of a written `.dcm` file (LayersModel graph), run by @dc/sparse-runtime's cpu backend. */
import type * as tf from '@tensorflow/tfjs';
import type { OutputBatch } from '@dc/allocate';
import { createSession, loadCompressedModel } from '@dc/sparse-runtime';

/** Runs the file at `path` on every batch; one output per batch, `[n, outputSize]`. */
export async function fileOutputs(path: string, batches: readonly tf.Tensor[]): Promise<OutputBatch[][]> {
  const model = await loadCompressedModel(path);
  const { createCpuBackend } = await import('@dc/sparse-runtime/cpu');
  const backend = await createCpuBackend({ threads: 1 });
  const session = await createSession(model, { backend });
  try {
    const out: OutputBatch[][] = [];
    for (const b of batches) {
      const n = b.shape[0] ?? 1;
      const y = await session.predict(Float32Array.from(await b.data()), n);
      out.push([{ shape: [n, y.length / n], values: y }]);
    }
    return out;
  } finally {
    session.dispose();
    backend.dispose?.();
  }
}
