/** A small seeded conv net on 16×16 RGB images and seeded PNG photographs, for the CLI's image tests. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileHandler, selectTrainingBackend } from '@dc/core/tfjs';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';

/**
 * Runs `train` (a user's model built, fitted and saved) on tfjs-wasm with dc's training kernels:
 * seconds where the cpu backend's convolutions and their gradients take tens of them. The backend
 * active before (if any was) is active again after, whatever fails.
 */
export async function onWasm<T>(train: () => Promise<T>): Promise<T> {
  const given = tf.getBackend() as string | undefined;
  const { restore } = await selectTrainingBackend({ prefer: ['wasm'], replaceSlowWasmKernels: true, replaceSlowGradients: true });
  try {
    return await train();
  } finally {
    restore();
    if (given) await tf.setBackend(given);
  }
}

/**
 * A small seeded conv net on 16×16 RGB images: conv 3×3×3×16 → relu → flatten → dense 4096 → 6,
 * softmax; with `fit`, compiled (Adam 1e-2, sparse categorical cross-entropy) and trained on it
 * (on tfjs-wasm: {@link onWasm}) before it is saved, as a user's trained model. With `rescaling`, a
 * `Rescaling` layer of that scale comes first (as in Keras' image tutorials), so the model takes
 * raw bytes.
 */
export async function savedConvNet(dir: string, fit?: { readonly xs: tf.Tensor; readonly ys: tf.Tensor; readonly epochs: number }, rescaling?: number): Promise<string> {
  return onWasm(() => convNet(dir, fit, rescaling));
}

/** {@link savedConvNet} on the active backend. */
async function convNet(dir: string, fit: { readonly xs: tf.Tensor; readonly ys: tf.Tensor; readonly epochs: number } | undefined, rescaling: number | undefined): Promise<string> {
  const lm = tf.sequential({ name: 'tiny-conv' });
  if (rescaling !== undefined) lm.add(tf.layers.rescaling({ inputShape: [16, 16, 3], scale: rescaling, name: 'rescaling' }));
  lm.add(tf.layers.conv2d({ ...(rescaling === undefined ? { inputShape: [16, 16, 3] } : {}), filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }));
  lm.add(tf.layers.flatten({ name: 'flatten' }));
  lm.add(tf.layers.dense({ units: 6, activation: 'softmax', name: 'head', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }));
  if (fit) {
    lm.compile({ optimizer: tf.train.adam(1e-2), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    await lm.fit(fit.xs, fit.ys, { epochs: fit.epochs, batchSize: 16, shuffle: false, verbose: 0 });
  }
  return savedModel(lm, dir);
}

/**
 * Saves a user's tfjs model as `dir/model.json` + weights, disposes it and returns the model.json
 * path. With `loss`, the model.json records it as tensorflowjs_converter records a compiled Keras
 * model's (`trainingConfig`; tfjs's own save leaves it out).
 */
export async function savedModel(lm: tf.LayersModel, dir: string, loss?: string): Promise<string> {
  await lm.save(fileHandler(dir));
  lm.dispose();
  const path = join(dir, 'model.json');
  if (loss) writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), trainingConfig: { loss, metrics: [] } }));
  return path;
}

/**
 * Fits a user's compiled `lm` on `x`, `y` for `epochs` (batches of 32, in order), saves it as
 * {@link savedModel} does (with `loss`), and — whatever fails — disposes the tensors. Returns the
 * model.json path. Called within {@link onWasm}, it trains on tfjs-wasm.
 */
export async function fitAndSave(lm: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, epochs: number, dir: string, o: { readonly loss?: string } = {}): Promise<string> {
  try {
    await lm.fit(x, y, { epochs, batchSize: 32, shuffle: false, verbose: 0 });
    return await savedModel(lm, dir, o.loss);
  } finally {
    // An autoencoder's targets are its inputs: one tensor.
    for (const t of new Set([x, y])) t.dispose();
  }
}

/** `n` seeded 40×30 PNG photographs-to-be (smooth colour gradients plus noise). */
export function writePngs(dir: string, n: number, seed: number): void {
  mkdirSync(dir, { recursive: true });
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let k = 0; k < n; k++) {
    const png = new PNG({ width: 40, height: 30 });
    for (let i = 0; i < 40 * 30; i++) {
      const x = i % 40;
      const y = Math.floor(i / 40);
      png.data.set([(x * 6 + k * 40) % 256, (y * 8 + 60 * rand()) % 256, (x * y + 255 * rand()) % 256, 255], i * 4);
    }
    writeFileSync(join(dir, `img-${k}.png`), PNG.sync.write(png));
  }
}
