import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphTensorValues } from '@dc/core';
import { activateTfBackend } from '@dc/core/tfjs';
import { compressGraphModel, dcmGraphModelHandler, decodeGraphModel, encodeGraphModel, graphModelArtifacts, loadGraphModelArtifacts, writeGraphModelFile, type CompressedGraphModel, type GraphModelSource } from './index.js';
import { predictFixture } from './fixture.test-support.js';
import { fixtureFiles, writeFixture } from './testing/fixture.js';

const ALLOCATION = {
  'model/conv/weights': { sparsity: 0.5, bits: 4 },
  'model/dw/weights': { sparsity: 0.3, bits: null },
  'model/fc/weights': { sparsity: 0.6, bits: 5 },
};

let source: GraphModelSource;
let compressed: CompressedGraphModel;
let bytes: Uint8Array;

beforeAll(async () => {
  await activateTfBackend(tf, 'cpu');
  const path = await writeFixture();
  source = await loadGraphModelArtifacts(path);
  compressed = compressGraphModel(source, ALLOCATION);
  const out = join(path, '..', 'model.dcm');
  await writeGraphModelFile(out, compressed);
  bytes = new Uint8Array(await readFile(out));
});

const predict = predictFixture;

describe('loadGraphModelArtifacts', () => {
  it('reads the manifest in order, dequantizing float16 and uint8 weights to float32 as tfjs does', () => {
    expect(source.tensors.map((t) => [t.name, t.dtype, t.quantization ?? null])).toEqual([
      ['model/conv/weights', 'float32', 'float16'],
      ['model/conv/bias', 'float32', null],
      ['model/dw/weights', 'float32', 'uint8'],
      ['model/pool/axes', 'int32', null],
      ['model/flatten/shape', 'int32', null],
      ['model/fc/weights', 'float32', null],
      ['model/fc/bias', 'float32', null],
    ]);
    const { weights } = fixtureFiles();
    const dw = source.tensors[2].values;
    const q = weights.subarray(432 * 2 + 16 * 4, 432 * 2 + 16 * 4 + 144);
    expect(Array.from(dw)).toEqual(Array.from(q, (v) => Math.fround(v * 0.004 - 0.5)));
    expect(Array.from(source.tensors[4].values)).toEqual([-1, 16]);
  });
});

describe('dcmGraphModelHandler', () => {
  it('gives tfjs the topology, signature and metadata as written', async () => {
    const artifacts = await dcmGraphModelHandler(bytes).load!();
    const { json } = fixtureFiles();
    expect(artifacts.modelTopology).toEqual(json.modelTopology);
    expect(artifacts.signature).toEqual(json.signature);
    expect(artifacts.userDefinedMetadata).toEqual(json.userDefinedMetadata);
    expect(artifacts.format).toBe('graph-model');
  });

  it('records the input preprocessing given to encodeGraphModel; tfjs gets the same artifacts with or without it', async () => {
    const preprocessing = { scale: [2 / 255], offset: [-1] };
    const recorded = encodeGraphModel(compressed, { preprocessing }).bytes;
    expect(decodeGraphModel(recorded).preprocessing).toEqual(preprocessing);
    expect(decodeGraphModel(bytes)).not.toHaveProperty('preprocessing');
    const [withRecord, without] = [await dcmGraphModelHandler(recorded).load!(), await dcmGraphModelHandler(bytes).load!()];
    expect(withRecord.modelTopology).toEqual(without.modelTopology);
    expect(withRecord.weightSpecs).toEqual(without.weightSpecs);
    expect(Buffer.from(withRecord.weightData as ArrayBuffer).equals(Buffer.from(without.weightData as ArrayBuffer))).toBe(true);
  });

  it('decodes to exactly the in-memory reconstruction: pruned weights exact zeros, int32 constants byte-identical', () => {
    const decoded = decodeGraphModel(bytes);
    const rebuilt = compressed.reconstruct();
    decoded.tensors.forEach((t, i) => {
      const values = graphTensorValues(t);
      expect(t.name).toBe(rebuilt[i].name);
      expect(Buffer.from(values.buffer, values.byteOffset, values.byteLength).equals(Buffer.from(rebuilt[i].values.buffer, rebuilt[i].values.byteOffset, rebuilt[i].values.byteLength))).toBe(true);
    });
    const zeros = (name: string) => rebuilt.find((t) => t.name === name)!.values.filter((v) => v === 0).length;
    expect(zeros('model/conv/weights')).toBeGreaterThanOrEqual(216);
    expect(zeros('model/fc/weights')).toBeGreaterThanOrEqual(384);
    expect(zeros('model/dw/weights')).toBeGreaterThanOrEqual(43);
    expect(new Set(rebuilt[0].values.filter((v) => v !== 0)).size).toBeLessThanOrEqual(16);
    expect(new Set(rebuilt[5].values.filter((v) => v !== 0)).size).toBeLessThanOrEqual(32);
    const { weights } = fixtureFiles();
    const int32 = weights.subarray(432 * 2 + 16 * 4 + 144, 432 * 2 + 16 * 4 + 144 + 16);
    expect(Buffer.from(graphTensorValues(decoded.tensors[3]).buffer).equals(Buffer.from(int32.subarray(0, 8)))).toBe(true);
    expect(Buffer.from(graphTensorValues(decoded.tensors[4]).buffer).equals(Buffer.from(int32.subarray(8, 16)))).toBe(true);
    // Unallocated weights are stored exactly; kept depthwise weights keep their dequantized values.
    expect(Array.from(rebuilt[1].values)).toEqual(Array.from(source.tensors[1].values));
    rebuilt[2].values.forEach((v, i) => expect(v === 0 || v === source.tensors[2].values[i]).toBe(true));
  });

  for (const backend of ['cpu', 'wasm']) {
    it(`tf.loadGraphModel predictions equal the in-memory reconstruction exactly (${backend})`, async () => {
      await activateTfBackend(tf, backend);
      const fromFile = await predict(dcmGraphModelHandler(bytes));
      const inMemory = await predict(tf.io.fromMemory(graphModelArtifacts(compressed.record, compressed.reconstruct())));
      const original = await predict(tf.io.fromMemory(source.artifacts));
      expect(fromFile.length).toBe(80);
      expect(Array.from(fromFile)).toEqual(Array.from(inMemory));
      // The compressed weights do change the model (this is no identity round trip).
      expect(Array.from(fromFile)).not.toEqual(Array.from(original));
      await activateTfBackend(tf, 'cpu');
    });
  }
});

describe('a table initializer without nodes (tfjs-converter maps none)', () => {
  for (const modelInitializer of [{}, { node: null, versions: {} }]) {
    it(`${JSON.stringify(modelInitializer)} is read, written as given, and runs as tfjs runs the model.json`, async () => {
      const path = await writeFixture((json) => void (json.modelInitializer = modelInitializer));
      const given = await loadGraphModelArtifacts(path);
      const file = encodeGraphModel(compressGraphModel(given, ALLOCATION)).bytes;
      const artifacts = await dcmGraphModelHandler(file).load!();
      expect((artifacts as { modelInitializer?: unknown }).modelInitializer).toEqual(modelInitializer);
      expect(Array.from(await predict(dcmGraphModelHandler(file)))).toEqual(Array.from(await predict(dcmGraphModelHandler(bytes))));
    });
  }
});
