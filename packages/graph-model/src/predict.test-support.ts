/** The fixture model's prediction on a fixed input batch [2, 8, 8, 3], loaded through `handler` (tests only). */
import * as tf from '@tensorflow/tfjs';

export async function predictFixture(handler: tf.io.IOHandler): Promise<Float32Array> {
  const model = await tf.loadGraphModel(handler);
  const x = tf.tensor4d(Float32Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => Math.sin(i * 0.37) * 2), [2, 8, 8, 3]);
  const y = model.execute(x) as tf.Tensor;
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  model.dispose();
  return out;
}
