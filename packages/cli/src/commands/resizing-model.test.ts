/**
 * A user's Keras classifier with `Resizing` layers — its input resized up for the stem, its
 * features resized down between convolutions — trained briefly on real MNIST and saved as Keras
 * names the layer: `dc compress` loads it as Keras computes it (tfjs 4.22's own `Resizing` aligns
 * the corners), retrains through the resizes, writes and runs the file, and `dc export` gives a
 * model.json that tfjs loads with dc's `Resizing` registered, predicting what the file predicts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerResizing, resizing } from '@dc/core/tfjs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dcJson } from '../run-dc.test-support.js';
import { compressedBriefly, expectExportPredictsAsFile, trainedOnMnist } from './mnist-fixture.test-support.js';

type Sym = tf.SymbolicTensor;
const ap = (layer: tf.layers.Layer, x: Sym) => layer.apply(x) as Sym;

/** Digits → Resizing(32, 32) → conv 3×3 /2 → Resizing(11, 11, nearest) → conv 3×3 → flatten → softmax; 2 epochs on 2,000 digits; saved with Keras' class name. */
async function savedResizingClassifier(dir: string): Promise<string> {
  await tf.setBackend('cpu');
  let seed = 1;
  const init = () => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }) });
  const input = tf.input({ shape: [28, 28, 1], name: 'image' });
  const up = ap(resizing(tf, { name: 'resize_in', height: 32, width: 32 }), input);
  const stem = ap(tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'stem', ...init() }), up);
  const down = ap(resizing(tf, { name: 'resize_mid', height: 11, width: 11, interpolation: 'nearest' }), stem);
  const conv = ap(tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', name: 'conv', ...init() }), down);
  const flat = ap(tf.layers.flatten({ name: 'flat' }), conv);
  const lm = tf.model({ inputs: input, outputs: ap(tf.layers.dense({ units: 10, activation: 'softmax', name: 'classes', ...init() }), flat), name: 'resized_digits' });
  const modelJson = await trainedOnMnist(lm, dir, { digits: 2000, epochs: 2, learningRate: 0.005, batchSize: 32 });
  // Keras names the layer `Resizing`; tfjs would read that as its own layer.
  writeFileSync(modelJson, readFileSync(modelJson, 'utf8').replaceAll('"class_name":"DcResizing"', '"class_name":"Resizing"'));
  return modelJson;
}

describe("a Keras classifier with Resizing layers", () => {
  let dir: string;
  let modelJson: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dc-resizing-'));
    modelJson = await savedResizingClassifier(join(dir, 'model'));
    expect(readFileSync(modelJson, 'utf8')).toContain('"class_name":"Resizing"');
  }, 120_000);

  it('compresses with retraining through the resizes; the file runs at about the baseline error, and the export loads in tfjs', async () => {
    const out = join(dir, 'resized.dcm');
    const { baselineTestError, testError } = await compressedBriefly(modelJson, out, 0.5, 5);
    // Trained well enough that retraining must hold its error (12.2% → 12.0% when written).
    expect(baselineTestError).toBeLessThan(25);
    expect(testError).toBeLessThan(baselineTestError + 3);
    const inspected = (await dcJson('inspect', out)).result as { opset: number; nodes: { name: string; kind: string; outputShape: number[] }[] };
    expect(inspected.opset).toBe(4);
    expect(inspected.nodes.filter((n) => n.kind === 'resizing').map((n) => [n.name, n.outputShape])).toEqual([
      ['resize_in', [32, 32, 1]],
      ['resize_mid', [11, 11, 8]],
    ]);

    const exported = (await dcJson('export', out, '-o', join(dir, 'exported'))).result;
    expect(exported.register).toEqual(['registerResizing']);
    registerResizing(tf);
    await expectExportPredictsAsFile(exported.modelJson, out);
  }, 240_000);
});
