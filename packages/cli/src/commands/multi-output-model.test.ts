/**
 * A user's multi-task model — one trunk, a digit classifier head and an "is it even" score head —
 * which dc's layer graph cannot hold (two outputs): `dc compress --no-retrain --calibration` keeps
 * its model.json as given (format version 8) and compresses its weights, and every command reads
 * the file back.
 */
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGraphModelContainer, graphTensorValues, LAYERS_MODEL_RECORD_FORMAT_VERSION } from '@dc/core';
import { huffmanCoder } from '@dc/huffman';
import { readIdxSplit } from '@dc/core/mnist';
import { fileHandler } from '@dc/core/tfjs';
import { dcmLayersModelHandler, decodeGraphModel } from '@dc/graph-model';
import * as tf from '@tensorflow/tfjs';
import { dump } from 'npyjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dc, dcJson } from '../run-dc.test-support.js';
import { mostValuesInAChannel } from './channel-values.test-support.js';
import { savedConvNet } from './conv-fixture.test-support.js';
import { fittedOnWasm, MNIST_DIR } from './mnist-fixture.test-support.js';

const TRAIN = 2000;
const TEST = 500;

function multiTaskModel(): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1], name: 'digit_image' });
  const features = tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', name: 'features', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  const pooled = tf.layers.maxPooling2d({ poolSize: 2 }).apply(features) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(pooled) as tf.SymbolicTensor;
  const trunk = tf.layers.dense({ units: 64, activation: 'relu', name: 'trunk', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(flat) as tf.SymbolicTensor;
  const digit = tf.layers.dense({ units: 10, activation: 'softmax', name: 'digit', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(trunk) as tf.SymbolicTensor;
  const even = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'even', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(trunk) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [digit, even], name: 'multi_task' });
}

/** Images `[n, 28, 28, 1]` / 255 and labels of the split's digits `from` to `from + n`. */
async function digits(split: 'train' | 't10k', from: number, n: number): Promise<{ x: Float32Array; labels: Uint8Array }> {
  const { images, labels } = await readIdxSplit(MNIST_DIR, split);
  return { x: Float32Array.from(images.data.subarray(from * 784, (from + n) * 784), (v) => v / 255), labels: labels.data.slice(from, from + n) };
}

/** Top-1 of the digit head and the even head's decisions of `model` on `x`. */
function decisions(model: tf.LayersModel, x: Float32Array, n: number): { digit: number[]; even: boolean[] } {
  return tf.tidy(() => {
    const [d, e] = model.predict(tf.tensor4d(x, [n, 28, 28, 1])) as tf.Tensor[];
    return { digit: Array.from(d.argMax(-1).dataSync()), even: Array.from(e.dataSync(), (v) => v > 0.5) };
  });
}

describe('a multi-output LayersModel: its model.json kept as given', () => {
  let dir: string;
  let modelJson: string;
  let test: { x: Float32Array; labels: Uint8Array };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dc-multi-output-'));
    const train = await digits('train', 0, TRAIN);
    const data = { xs: tf.tensor4d(train.x, [TRAIN, 28, 28, 1]), ys: [tf.tensor1d(Float32Array.from(train.labels)), tf.tensor2d(Float32Array.from(train.labels, (l) => (l % 2 === 0 ? 1 : 0)), [TRAIN, 1])] };
    const build = () => {
      const lm = multiTaskModel();
      lm.compile({ optimizer: tf.train.adam(0.003), loss: ['sparseCategoricalCrossentropy', 'binaryCrossentropy'] });
      return lm;
    };
    modelJson = await fittedOnWasm(join(dir, 'model'), 11, build, data, 3);
    // Calibration digits from the training split, test digits from the test split: disjoint.
    const calibration = await digits('train', TRAIN, 64);
    writeFileSync(join(dir, 'calibration.npy'), Buffer.from(dump(calibration.x, [64, 28, 28, 1])));
    test = await digits('t10k', 0, TEST);
    writeFileSync(join(dir, 'test.npy'), Buffer.from(dump(test.x, [TEST, 28, 28, 1])));
  }, 120_000);

  it('compresses it within the budget; tf.loadLayersModel runs the file with both heads as accurate as the original on test digits', async () => {
    const out = join(dir, 'multi.dcm');
    const { result, stderr } = await dcJson('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration.npy'), '--test-data', join(dir, 'test.npy'), '-o', out);
    expect(result.format).toBe('layers-model-as-given');
    expect(result.keptBecause).toMatch(/1 inputs, 2 outputs/);
    expect(stderr).toMatch(/kept as given \(format version 8/);
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(result.originalBytes).toBe(4 * (72 + 8 + 1352 * 64 + 64 + 640 + 10 + 64 + 1));
    expect(result.compressionRatio).toBeGreaterThan(4);
    expect(Object.keys(result.plan.allocation)).toEqual(['trunk/kernel', 'digit/kernel']);
    expect(result.plan.kinds[0]).toBe('classifier');
    expect(result.calibrationFidelity.withinBudget).toBe(true);
    expect(result.testFidelity.outputs).toHaveLength(2);
    const bytes = new Uint8Array(readFileSync(out));
    expect(bytes[8]).toBe(LAYERS_MODEL_RECORD_FORMAT_VERSION);

    // The file in tfjs, against the original, on 500 test digits.
    const original = await tf.loadLayersModel(fileHandler(modelJson));
    const fromFile = await tf.loadLayersModel(dcmLayersModelHandler(bytes));
    expect(fromFile.outputNames).toEqual(['digit', 'even']);
    const [a, b] = [decisions(original, test.x, TEST), decisions(fromFile, test.x, TEST)];
    original.dispose();
    fromFile.dispose();
    const correct = (d: number[]) => d.filter((v, i) => v === test.labels[i]).length;
    const agreement = b.digit.filter((v, i) => v === a.digit[i]).length / TEST;
    expect(correct(a.digit)).toBeGreaterThan(0.85 * TEST);
    expect(agreement).toBeGreaterThanOrEqual(0.98);
    // Within 1 point of the original's accuracy: 5 digits of 500.
    expect(Math.abs(correct(b.digit) - correct(a.digit))).toBeLessThanOrEqual(5);
    expect(b.even.filter((v, i) => v === a.even[i]).length / TEST).toBeGreaterThanOrEqual(0.98);
    // The trunk's kernel is compressed: at most 2^8 distinct values.
    const trunk = (await dcmLayersModelHandler(bytes).load!()).weightSpecs!.findIndex((w) => w.name === 'trunk/kernel');
    expect(trunk).toBeGreaterThanOrEqual(0);

    // dc run, dc run --reference, dc inspect and dc export read the file.
    const { result: run } = await dcJson('run', out, '--data', join(dir, 'test.npy'));
    expect(run).toMatchObject({ format: 'layers-model-as-given', samples: TEST, outputs: [{ name: 'digit', shape: [TEST, 10] }, { name: 'even', shape: [TEST, 1] }] });
    const { result: reference } = await dcJson('run', out, '--reference', modelJson, '--data', join(dir, 'test.npy'));
    expect(reference).toMatchObject({ format: 'layers-model-as-given', samples: TEST, fidelity: result.testFidelity });
    const { result: inspected } = await dcJson('inspect', out);
    expect(inspected.format).toBe('layers-model-as-given');
    const kernel = inspected.weights.find((w: { name: string }) => w.name === 'trunk/kernel');
    expect(kernel.bits).toBe(result.plan.allocation['trunk/kernel'].bits);
    const { result: exported } = await dcJson('export', out, '-o', join(dir, 'exported'));
    expect(exported).toMatchObject({ format: 'layers-model' });
    const reloaded = await tf.loadLayersModel(fileHandler(join(dir, 'exported', 'model.json')));
    expect(decisions(reloaded, test.x, TEST)).toEqual(b);
    reloaded.dispose();
  }, 180_000);

  it('--keep-topology keeps a model the layer graph holds as given too', async () => {
    const convJson = await savedConvNet(join(dir, 'conv'));
    const calibration = Float32Array.from({ length: 6 * 16 * 16 * 3 }, (_, i) => ((i * 7919) % 256) / 255);
    writeFileSync(join(dir, 'conv.npy'), Buffer.from(dump(calibration, [6, 16, 16, 3])));
    const out = join(dir, 'conv.dcm');
    const { result: r } = await dcJson('compress', convJson, '--no-retrain', '--keep-topology', '--calibration', join(dir, 'conv.npy'), '-o', out);
    expect(r).toMatchObject({ format: 'layers-model-as-given', keptBecause: '--keep-topology', calibrationFidelity: { withinBudget: true } });
    expect(readFileSync(out)[8]).toBe(LAYERS_MODEL_RECORD_FORMAT_VERSION);
    // Retraining needs the layer graph.
    const refused = await dc('compress', convJson, '--keep-topology', '--data', join(dir, 'conv.npy'), '-o', join(dir, 'never.dcm'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/INVALID_OPTION[\s\S]*--no-retrain/);
  }, 60_000);

  it('fixed --sparsity and --bits without calibration keep it as given too: every eligible kernel pruned and clustered', async () => {
    const out = join(dir, 'fixed.dcm');
    const { result } = await dcJson('compress', modelJson, '--no-retrain', '--sparsity', '0.6', '--bits', '5', '-o', out);
    expect(result).toMatchObject({ format: 'layers-model-as-given', keptBecause: expect.stringMatching(/1 inputs, 2 outputs/) });
    expect(result.fileBytes).toBe(statSync(out).size);
    const planned = result.tensors.filter((t: { allocation: unknown }) => t.allocation);
    expect(planned.map((t: { name: string }) => t.name)).toEqual(['trunk/kernel', 'digit/kernel']);
    for (const t of planned) {
      expect(t.kept).toBeLessThanOrEqual(Math.ceil(0.4 * t.elements));
      expect(t.centroids).toBeLessThanOrEqual(32);
    }
    const model = await tf.loadLayersModel(dcmLayersModelHandler(new Uint8Array(readFileSync(out))));
    const [trunk] = model.getLayer('trunk').getWeights();
    const kernel = trunk.dataSync();
    // 5-bit codes with per-channel scales: at most 32 values in each output channel.
    expect(mostValuesInAChannel(kernel, trunk.shape.at(-1)!)).toBeLessThanOrEqual(32);
    expect(kernel.filter((v) => v === 0).length).toBeGreaterThanOrEqual(Math.floor(0.6 * kernel.length));
    model.dispose();
    // Kept as given, it is not measured: test data would be ignored, so they are refused, naming why.
    const measured = await dc('compress', modelJson, '--no-retrain', '--sparsity', '0.6', '--test-data', join(dir, 'calibration.npy'), '-o', join(dir, 'never.dcm'));
    expect(measured.code).toBe(1);
    expect(measured.stderr).toMatch(/INVALID_OPTION[\s\S]*--test-data does not apply to a LayersModel kept as given[\s\S]*2 outputs[\s\S]*dc run model\.dcm --reference/);
    // Flags with defaults are refused when given on the command line, not when left to their defaults (the run above).
    for (const flag of [['--preset', 'paper'], ['--backend', 'tfjs']]) {
      const refused = await dc('compress', modelJson, '--no-retrain', '--sparsity', '0.6', ...flag, '-o', join(dir, 'never.dcm'));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(new RegExp(`INVALID_OPTION[\\s\\S]*${flag[0]} does not apply to a LayersModel kept as given`));
    }
    expect(() => statSync(join(dir, 'never.dcm'))).toThrow();
  }, 60_000);

  it('bad input: a layer class tfjs does not know is UNSUPPORTED_LAYER; nothing is written', async () => {
    const custom = join(dir, 'custom');
    mkdirSync(custom);
    const json = JSON.parse(readFileSync(modelJson, 'utf8'));
    json.modelTopology.config.layers[1].class_name = 'MyFancyConv';
    writeFileSync(join(custom, 'model.json'), JSON.stringify(json));
    writeFileSync(join(custom, 'weights.bin'), readFileSync(join(dir, 'model', 'weights.bin')));
    const refused = await dc('compress', join(custom, 'model.json'), '--no-retrain', '--calibration', join(dir, 'calibration.npy'), '-o', join(dir, 'never.dcm'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/UNSUPPORTED_LAYER[\s\S]*MyFancyConv[\s\S]*dc's layer graph refused it too/);
    // Fixed flags write no file tfjs could not load either.
    const fixed = await dc('compress', join(custom, 'model.json'), '--no-retrain', '--sparsity', '0.5', '-o', join(dir, 'never.dcm'));
    expect(fixed.code).toBe(1);
    expect(fixed.stderr).toMatch(/UNSUPPORTED_LAYER[\s\S]*MyFancyConv/);
    expect(() => statSync(join(dir, 'never.dcm'))).toThrow();
  }, 60_000);

  it('a forged file whose topology tfjs cannot build is UNSUPPORTED_LAYER in dc run; a damaged one the reader\'s own error', async () => {
    const written = join(dir, 'to-forge.dcm');
    expect((await dc('compress', modelJson, '--no-retrain', '--sparsity', '0.5', '--bits', '5', '-o', written)).code).toBe(0);
    const decoded = decodeGraphModel(new Uint8Array(readFileSync(written)));
    const topology = JSON.parse(JSON.stringify(decoded.graph.modelTopology).replace('"Conv2D"', '"MyFancyConv"'));
    const weights = decoded.tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype, values: graphTensorValues(t) }));
    const forged = join(dir, 'forged.dcm');
    writeFileSync(forged, encodeGraphModelContainer({ graph: { ...decoded.graph, modelTopology: topology }, weights }, { encoders: [huffmanCoder] }).bytes);
    const run = await dc('run', forged, '--data', join(dir, 'calibration.npy'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/UNSUPPORTED_LAYER[\s\S]*MyFancyConv/);
    const damaged = new Uint8Array(readFileSync(written));
    damaged[damaged.length - 9] ^= 0x40;
    writeFileSync(join(dir, 'damaged.dcm'), damaged);
    const bad = await dc('run', join(dir, 'damaged.dcm'), '--data', join(dir, 'calibration.npy'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/CHECKSUM_MISMATCH|CORRUPT_STREAM|BAD_PADDING/);
  }, 60_000);
});
