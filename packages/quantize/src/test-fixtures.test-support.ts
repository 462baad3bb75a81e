/**
 * Test support (not part of the package build): a pruned tiny MLP with its masks, and a tfjs-cpu
 * trainer on a small synthetic, learnable 8×8 "image" task.
 */
import * as tf from '@tensorflow/tfjs';
import { createRandom, listParams, mapParams, type Model, type TrainingService } from '@dc/core';
import type { ImageSet } from '@dc/core/mnist';
import { tinyDenseModel } from '@dc/core/testing';
import { createTfjsTrainer } from '@dc/core/tfjs';

/** `count` random 8×8 images labelled by a fixed random linear teacher (10 classes). */
export function syntheticSet(count: number, seed: number): ImageSet {
  const teacher = createRandom(99);
  const w = Float32Array.from({ length: 64 * 10 }, () => teacher.next() * 2 - 1);
  const r = createRandom(seed);
  const images = Float32Array.from({ length: count * 64 }, () => r.next());
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    let best = -Infinity;
    for (let c = 0; c < 10; c++) {
      let s = 0;
      for (let i = 0; i < 64; i++) s += images[n * 64 + i] * w[i * 10 + c];
      if (s > best) [best, labels[n]] = [s, c];
    }
  }
  return { images, labels, count, height: 8, width: 8 };
}

/** A tfjs-cpu trainer on the synthetic task (deterministic). */
export async function cpuTrainer(): Promise<TrainingService> {
  await tf.setBackend('cpu');
  return createTfjsTrainer({ tf, train: syntheticSet(512, 1), evaluation: syntheticSet(256, 2), batchSize: 64, optimizer: 'sgd', seed: 3 });
}

/** The tiny MLP (64-32-10) trained for 30 epochs on the synthetic task (cached per process). */
let trained: Promise<Model> | undefined;
export function trainedTinyModel(): Promise<Model> {
  trained ??= cpuTrainer().then(async (t) => (await t.fineTune(tinyDenseModel(1, 64, 32), { epochs: 30, learningRate: 0.2 })).model);
  return trained;
}

/** A model's kernels magnitude-pruned to `keep` (default: the untrained tiny MLP), and the masks. */
export function prunedTinyModel(keep = 0.3, base: Model = tinyDenseModel(1, 64, 32)): { model: Model; masks: Map<string, Uint8Array> } {
  const masks = new Map<string, Uint8Array>();
  for (const ref of listParams(base).filter((p) => p.param === 'kernel')) {
    const mags = Array.from(ref.tensor.values, Math.abs).sort((a, b) => b - a);
    const threshold = mags[Math.floor(mags.length * keep)];
    masks.set(ref.key, Uint8Array.from(ref.tensor.values, (v) => (Math.abs(v) > threshold ? 1 : 0)));
  }
  const model = mapParams(base, (ref) => {
    const mask = masks.get(ref.key);
    return mask && { shape: ref.tensor.shape, values: ref.tensor.values.map((v, i) => (mask[i] ? v : 0)) };
  });
  return { model, masks };
}
