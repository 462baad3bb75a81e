import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRandom, encodeContainer, graphTensorValues } from '@dc/core';
import { dcmHandler, fileHandler, readModelArtifacts, registerGeluNewActivation, registerHardSiluActivation, registerGroupNormalization, registerResetAfterGru, registerSubtractLayer, registerUnitNormalization } from '@dc/core/tfjs';
import { withRandomParams } from '@dc/core/testing';
import { dcmGraphModelHandler, decodeGraphModel } from '@dc/graph-model';
import { writeGraphModelFixture } from '@dc/graph-model/testing';
import { huffmanDecoder } from '@dc/huffman/decode';
import { ransDecoder } from '@dc/rans/decode';
import { createSession, loadCompressedModel } from '@dc/sparse-runtime';
import { createCpuBackend } from '@dc/sparse-runtime/cpu';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { dc, dcJson } from '../run-dc.test-support.js';
import { savedModel } from './conv-fixture.test-support.js';

/** A user's small image classifier: conv → batch norm → relu → depthwise → global pool → dense softmax. */
async function savedClassifier(dir: string): Promise<string> {
  await tf.setBackend('cpu');
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotNormal({ seed }) });
  const input = tf.input({ shape: [12, 12, 3] });
  let x = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', name: 'stem', ...init(1) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'stem_bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: 'stem_relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu', name: 'dw', depthwiseInitializer: tf.initializers.glorotNormal({ seed: 2 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 5, activation: 'softmax', name: 'head', ...init(3) }).apply(x) as tf.SymbolicTensor;
  return savedModel(tf.model({ inputs: input, outputs: out, name: 'small-classifier' }), dir);
}

const inputs = (n: number, size: number) => {
  const random = createRandom(7);
  return Float32Array.from({ length: n * size }, () => random.next());
};

describe('dc export: a .dcm file back as a tfjs model.json', () => {
  it('writes a LayersModel whose weights are the file\'s (pruned exactly zero) and whose predictions are the sparse runtime\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-export-'));
    const model = await savedClassifier(join(dir, 'original'));
    const file = join(dir, 'small.dcm');
    const c = await dc('compress', model, '--no-retrain', '--sparsity', '0.6', '--bits', '5', '-o', file);
    expect(c.code, c.stderr).toBe(0);

    const { result } = await dcJson('export', file, '-o', join(dir, 'exported'));
    const modelJson = join(dir, 'exported', 'model.json');
    expect(result).toMatchObject({ format: 'layers-model', modelJson, weightBytes: readFileSync(join(dir, 'exported', 'weights.bin')).length });
    // The weights are the decoded file's (tfjs's own load of the .dcm through its handler), tensor for tensor, bit for bit.
    const lm = await tf.loadLayersModel(fileHandler(modelJson));
    const fromFile = await tf.loadLayersModel(dcmHandler(new Uint8Array(readFileSync(file)), { decoders: [huffmanDecoder, ransDecoder], tf }));
    expect(lm.weights.map((w) => w.originalName)).toEqual(fromFile.weights.map((w) => w.originalName));
    lm.weights.forEach((w, i) => expect(Array.from(w.read().dataSync()), w.originalName).toEqual(Array.from(fromFile.weights[i].read().dataSync())));
    fromFile.dispose();
    let [zeros, elements] = [0, 0];
    for (const w of lm.weights) {
      const values = w.read().dataSync();
      elements += values.length;
      zeros += values.filter((v) => v === 0).length;
    }
    expect([result.weights, result.elements, result.zeros]).toEqual([lm.weights.length, elements, zeros]);
    // Pruned: 60% of the convolution's and the dense layer's kernels at least are exactly zero (the depthwise one is not pruned unless named).
    expect(zeros).toBeGreaterThanOrEqual(Math.floor(0.6 * (27 * 16 + 16 * 5)));

    const x = inputs(4, 12 * 12 * 3);
    const exported = Array.from((lm.predict(tf.tensor4d(x, [4, 12, 12, 3])) as tf.Tensor).dataSync());
    const backend = await createCpuBackend({ threads: 1 });
    const session = await createSession(await loadCompressedModel(file), { backend });
    const runtime = Array.from(await session.predict(x, 4));
    session.dispose();
    expect(exported).toEqual(runtime.map((v) => expect.closeTo(v, 6)));
    lm.dispose();
    expect((await dc('export', file, '-o', join(dir, 'again'))).stdout).toContain(`${join(dir, 'again', 'model.json')}: a tfjs LayersModel (tf.loadLayersModel) with ${result.weights} weights`);
  }, 120_000);

  it('writes a GraphModel with its signature, loaded by tf.loadGraphModel, its weights the file\'s', async () => {
    const model = await writeGraphModelFixture();
    const dir = dirname(model);
    const file = join(dir, 'exported-fixture.dcm');
    const c = await dc('compress', model, '--no-retrain', '--sparsity', '0.5', '--bits', '4', '--input-scale', '0.5', '-o', file);
    expect(c.code, c.stderr).toBe(0);
    const out = join(dir, 'graph-export.json');
    const { result } = await dcJson('export', file, '-o', out);
    expect(result).toMatchObject({ format: 'graph-model', modelJson: out, preprocessing: { scale: [0.5], offset: [0] } });
    const written = JSON.parse(readFileSync(out, 'utf8'));
    const original = JSON.parse(readFileSync(model, 'utf8'));
    expect([written.format, written.modelTopology, written.signature]).toEqual(['graph-model', original.modelTopology, original.signature]);
    expect(written.weightsManifest[0].paths).toEqual(['graph-export.weights.bin']);
    expect(written.userDefinedMetadata.dcm).toEqual({ preprocessing: { scale: [0.5], offset: [0] } });
    const decoded = decodeGraphModel(new Uint8Array(readFileSync(file)));
    const { artifacts } = await readModelArtifacts(out, 'graph-model');
    const gm = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
    const x = tf.tensor4d(inputs(2, 8 * 8 * 3), [2, 8, 8, 3]);
    const fromExport = Array.from((gm.predict(x) as tf.Tensor).dataSync());
    // Exactly what tfjs runs from the .dcm through its handler.
    const fromFile = await tf.loadGraphModel(dcmGraphModelHandler(new Uint8Array(readFileSync(file))));
    expect(fromExport).toEqual(Array.from((fromFile.predict(x) as tf.Tensor).dataSync()));
    // Weight for weight the decoded file's (pruned weights exactly zero).
    const weights = written.weightsManifest[0].weights as { name: string }[];
    expect(weights.map((w) => w.name)).toEqual(decoded.tensors.map((t) => t.name));
    const data = readFileSync(join(dir, 'graph-export.weights.bin'));
    const fc = decoded.tensors.find((t) => t.name === 'model/fc/weights')!;
    const offset = decoded.tensors.slice(0, decoded.tensors.indexOf(fc)).reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1) * 4, 0);
    expect(Array.from(new Float32Array(data.buffer.slice(data.byteOffset + offset, data.byteOffset + offset + 640 * 4)))).toEqual(Array.from(graphTensorValues(fc)));
    expect(result.zeros).toBeGreaterThanOrEqual(320);
    gm.dispose();
    fromFile.dispose();
  }, 120_000);

  it('says what tfjs 4.22 needs registered to load what it cannot alone (Subtract, gelu_new, hard_silu, UnitNormalization), and loads the model.json after that', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-export-register-'));
    // A residual that subtracts, a GPT-2-style gelu_new projection, a MobileNetV3-style hard_silu one, unit-normalised: [5] → [5] → [5] → [4] → [3] → [3].
    const model = withRandomParams({ name: 'difference', inputShape: [5], layers: [
      { name: 'proj', config: { kind: 'dense', units: 5, activation: 'linear', useBias: true } },
      { name: 'diff', config: { kind: 'subtract' }, inputs: ['input', 'proj'] },
      { name: 'up', config: { kind: 'dense', units: 4, activation: 'gelu_new', useBias: true } },
      { name: 'out', config: { kind: 'dense', units: 3, activation: 'hard_silu', useBias: true } },
      { name: 'unit', config: { kind: 'unitNorm' } },
    ] }, 3);
    const file = join(dir, 'difference.dcm');
    writeFileSync(file, encodeContainer({ model, stages: [{ name: 'test:dense', options: {} }] }).bytes);
    const r = await dc('export', file, '-o', join(dir, 'exported'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).register).toEqual(['registerSubtractLayer', 'registerGeluNewActivation', 'registerHardSiluActivation', 'registerUnitNormalization']);
    expect((await dc('export', file, '-o', join(dir, 'again'))).stdout).toContain('tfjs 4.22 loads it after registerSubtractLayer(tf), registerGeluNewActivation(tf), registerHardSiluActivation(tf) and registerUnitNormalization(tf) from @dc/core/tfjs');
    registerSubtractLayer(tf);
    registerGeluNewActivation(tf);
    registerHardSiluActivation(tf);
    registerUnitNormalization(tf);
    const lm = await tf.loadLayersModel(fileHandler(join(dir, 'exported', 'model.json')));
    const x = inputs(4, 5);
    const session = await createSession(await loadCompressedModel(file), { backend: createCpuBackend() });
    const runtime = await session.predict(x, 4);
    session.dispose();
    expect(Array.from((lm.predict(tf.tensor2d(x, [4, 5])) as tf.Tensor).dataSync())).toEqual(Array.from(runtime).map((v) => expect.closeTo(v, 6)));
  });

  it('says so for Keras\' reset-after GRU, here with hard_silu as its activation, and GroupNormalization, and the model.json loads after that', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-export-gru-'));
    const model = withRandomParams({ name: 'reader', inputShape: [6, 3], layers: [
      { name: 'gru', config: { kind: 'recurrent', cell: 'gru', units: 4, activation: 'hard_silu', recurrentActivation: 'sigmoid', useBias: true, returnSequences: true, resetAfter: true } },
      { name: 'norm', config: { kind: 'groupNorm', groups: 2, epsilon: 1e-3, center: true, scale: true } },
      { name: 'flat', config: { kind: 'flatten' } },
      { name: 'out', config: { kind: 'dense', units: 2, activation: 'softmax', useBias: true } },
    ] }, 5);
    const file = join(dir, 'reader.dcm');
    writeFileSync(file, encodeContainer({ model, stages: [{ name: 'test:dense', options: {} }] }).bytes);
    const r = await dc('export', file, '-o', join(dir, 'exported'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).register).toEqual(['registerHardSiluActivation', 'registerResetAfterGru', 'registerGroupNormalization']);
    registerHardSiluActivation(tf);
    registerResetAfterGru(tf);
    registerGroupNormalization(tf);
    const lm = await tf.loadLayersModel(fileHandler(join(dir, 'exported', 'model.json')));
    const x = inputs(4, 18).map((v) => (v - 0.5) * 8);
    const session = await createSession(await loadCompressedModel(file), { backend: createCpuBackend() });
    const runtime = await session.predict(x, 4);
    session.dispose();
    expect(Array.from((lm.predict(tf.tensor3d(x, [4, 6, 3])) as tf.Tensor).dataSync())).toEqual(Array.from(runtime).map((v) => expect.closeTo(v, 6)));
  });

  it('refuses to replace the model it came from (a folder of model.json and weights.bin, as tfjs saves one) unless --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-export-over-'));
    const original = dirname(await savedClassifier(join(dir, 'original')));
    const file = join(original, 'small.dcm');
    expect((await dc('compress', join(original, 'model.json'), '--no-retrain', '--sparsity', '0.6', '--bits', '5', '-o', file)).code).toBe(0);
    const before = ['model.json', 'weights.bin'].map((f) => readFileSync(join(original, f)));
    for (const out of [original, join(original, 'model.json')]) {
      const r = await dc('export', file, '-o', out);
      expect([r.code, r.stderr]).toEqual([1, expect.stringMatching(/^dc: error INVALID_OPTION: dc export would replace .*original\/model\.json, which is already there\n\s*hint: Give -o a new folder \(or a new \.json name\), or add --force to replace it\./)]);
    }
    // A weight file alone is not replaced either.
    writeFileSync(join(dir, 'kept.weights.bin'), 'weights of another model');
    expect((await dc('export', file, '-o', join(dir, 'kept.json'))).stderr).toMatch(/would replace .*kept\.weights\.bin/);
    expect([...['model.json', 'weights.bin'].map((f) => readFileSync(join(original, f))), readFileSync(join(dir, 'kept.weights.bin'), 'utf8')]).toEqual([...before, 'weights of another model']);
    const forced = await dcJson('export', file, '-o', original, '--force');
    expect(forced.result.modelJson).toBe(join(original, 'model.json'));
    expect(readFileSync(join(original, 'weights.bin')).length).toBe(forced.result.weightBytes);
    expect(readFileSync(join(original, 'model.json')).equals(before[0])).toBe(false);
  });

  it('refuses what is not a .dcm file with the reader\'s error, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-export-bad-'));
    const bad = join(dir, 'not-a-model.dcm');
    writeFileSync(bad, 'this is not a compressed model');
    const r = await dc('export', bad, '-o', join(dir, 'out'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dc: error BAD_MAGIC: .*not-a-model\.dcm is not a \.dcm file/m);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const missing = await dc('export', join(dir, 'missing.dcm'), '-o', join(dir, 'out'));
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringMatching(/^dc: error FILE_NOT_FOUND: .*missing\.dcm: no such file or folder[\s\S]*hint: Check the path of the \.dcm file/)]);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
