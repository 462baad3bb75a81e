import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeContainer, graphTensorValues, isDcError, LAYERS_MODEL_RECORD_FORMAT_VERSION, readGraphModelHeader } from '@dc/core';
import { activateTfBackend } from '@dc/core/tfjs';
import { compressGraphModel, dcmGraphModelHandler, decodeGraphModel, dcmLayersModelHandler, encodeGraphModel, graphModelArtifacts, layersModelSource, loadLayersModelArtifacts, uniformAllocation, type CompressedGraphModel, type GraphModelSource } from './index.js';

/**
 * A model dc's layer graph cannot hold: one Dense layer shared by two branches, a depthwise
 * convolution, and two outputs (class probabilities and a box regression).
 */
function twoHeadModel(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3], name: 'image' });
  const conv = tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', name: 'stem' }).apply(input) as tf.SymbolicTensor;
  const dw = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, name: 'dw' }).apply(conv) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(dw) as tf.SymbolicTensor;
  const shared = tf.layers.dense({ units: 24, activation: 'relu', name: 'shared' });
  const a = shared.apply(flat) as tf.SymbolicTensor;
  const b = shared.apply(tf.layers.dropout({ rate: 0.1 }).apply(flat) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const classes = tf.layers.dense({ units: 5, activation: 'softmax', name: 'classes' }).apply(a) as tf.SymbolicTensor;
  const box = tf.layers.dense({ units: 4, name: 'box' }).apply(b) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [classes, box], name: 'two_heads' });
}

async function artifactsOf(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  return saved!;
}

const batch = () => tf.tidy(() => tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 7));

async function predict(handler: tf.io.IOHandler): Promise<Float32Array[]> {
  const m = await tf.loadLayersModel(handler);
  const x = batch();
  const ys = m.predict(x) as tf.Tensor[];
  const out = await Promise.all(ys.map(async (y) => Float32Array.from(await y.data())));
  tf.dispose([x, ...ys]);
  m.dispose();
  return out;
}

let source: GraphModelSource;
let compressed: CompressedGraphModel;
let bytes: Uint8Array;

beforeAll(async () => {
  await activateTfBackend(tf, 'cpu');
  const model = twoHeadModel();
  model.compile({ optimizer: 'adam', loss: ['categoricalCrossentropy', 'meanSquaredError'] });
  // tfjs saves the training config with includeOptimizer only (then with the optimizer's weights): as Keras writes it.
  const trainingConfig = (model as unknown as { getTrainingConfig(): tf.io.TrainingConfig }).getTrainingConfig();
  source = await layersModelSource({ ...(await artifactsOf(model)), trainingConfig }, 'two_heads');
  model.dispose();
  compressed = compressGraphModel(source, uniformAllocation(source.tensors, { sparsity: 0.5, bits: 4 }));
  bytes = encodeGraphModel(compressed).bytes;
});

describe('LayersModels kept as given (format version 8)', () => {
  it('compresses the kernels of every layer, the shared one once, and records the Keras topology and training config', () => {
    expect(bytes[8]).toBe(LAYERS_MODEL_RECORD_FORMAT_VERSION);
    const planned = compressed.tensors.filter((t) => t.allocation).map((t) => t.name);
    expect(planned).toEqual(['stem/kernel', 'dw/depthwise_kernel', 'shared/kernel']);
    for (const t of compressed.tensors.filter((c) => c.allocation)) {
      expect(t.kept).toBeLessThanOrEqual(Math.ceil(t.elements / 2));
      expect(t.centroids).toBeLessThanOrEqual(16);
    }
    expect(compressed.record.format).toBe('layers-model');
    expect(compressed.record.modelTopology).toEqual(source.artifacts.modelTopology);
    expect(compressed.record.trainingConfig).toEqual(source.artifacts.trainingConfig);
  });

  for (const backend of ['cpu', 'wasm']) {
    it(`tf.loadLayersModel predictions of both outputs equal the in-memory reconstruction exactly (${backend})`, async () => {
      await activateTfBackend(tf, backend);
      const fromFile = await predict(dcmLayersModelHandler(bytes));
      const inMemory = await predict(tf.io.fromMemory(graphModelArtifacts(compressed.record, compressed.reconstruct())));
      const original = await predict(tf.io.fromMemory(source.artifacts));
      expect(fromFile.map((y) => y.length)).toEqual([20, 16]);
      expect(fromFile.map((y) => Array.from(y))).toEqual(inMemory.map((y) => Array.from(y)));
      expect(Array.from(fromFile[1])).not.toEqual(Array.from(original[1]));
      await activateTfBackend(tf, 'cpu');
    });
  }

  it('stores a uniform grid\'s codebook entry by entry (version 8 has no integer ranges), decoding to the reconstruction', () => {
    const stem = source.tensors.find((t) => t.name === 'stem/kernel')!;
    const grid = compressGraphModel(source, { 'stem/kernel': { sparsity: 0, bits: 10, channels: stem.shape.at(-1)! } });
    const file = encodeGraphModel(grid).bytes;
    expect(file[8]).toBe(LAYERS_MODEL_RECORD_FORMAT_VERSION);
    const entry = readGraphModelHeader(file).tensors.find((t) => t.key === 'stem/kernel')!;
    expect(entry.streams.codebook).toMatchObject({ type: 'f16', encodings: ['raw'] });
    const decoded = graphTensorValues(decodeGraphModel(file).tensors.find((t) => t.name === 'stem/kernel')!);
    expect(decoded).toEqual(grid.reconstruct().find((t) => t.name === 'stem/kernel')!.values);
  });

  it('the loaded model keeps its loss and optimizer (tfjs compiles it from the training config)', async () => {
    const m = await tf.loadLayersModel(dcmLayersModelHandler(bytes));
    expect(m.optimizer).toBeDefined();
    expect(m.outputNames).toEqual(['classes', 'box']);
    m.dispose();
  });

  it('each handler refuses the other format, and a layer-graph reader refuses the file (WRONG_MODEL_FORMAT)', async () => {
    const codeOf = async (f: () => unknown) => {
      try {
        await f();
      } catch (e) {
        return isDcError(e) ? e.code : String(e);
      }
      return 'none';
    };
    expect(await codeOf(() => dcmGraphModelHandler(bytes).load!())).toBe('WRONG_MODEL_FORMAT');
    expect(await codeOf(() => decodeContainer(bytes))).toBe('WRONG_MODEL_FORMAT');
    const graphFile = encodeGraphModel({ ...compressed, record: { format: 'graph-model', modelTopology: { node: [] } }, weights: [] }).bytes;
    expect(await codeOf(() => dcmLayersModelHandler(graphFile).load!())).toBe('WRONG_MODEL_FORMAT');
  });

  it('loadLayersModelArtifacts reads a saved model.json; a GraphModel given to layersModelSource is WRONG_MODEL_FORMAT', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dc-layers-source-'));
    const model = twoHeadModel();
    await model.save(`file://${dir}`).catch(async () => {
      // tfjs (not tfjs-node) has no file:// saver: write model.json and the shard as tfjs would.
      const a = await artifactsOf(model);
      await writeFile(join(dir, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
      await writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }));
    });
    const loaded = await loadLayersModelArtifacts(join(dir, 'model.json'));
    expect(loaded.tensors.map((t) => t.name)).toEqual(model.weights.map((w) => w.originalName));
    model.dispose();
    const graph = { format: 'graph-model', modelTopology: { node: [] }, weightSpecs: [], weightData: new ArrayBuffer(0) } as tf.io.ModelArtifacts;
    await expect(layersModelSource(graph, 'g')).rejects.toMatchObject({ code: 'WRONG_MODEL_FORMAT' });
  });

  it('a layer call on which tfjs would wait forever (its input names no layer) is BAD_MODEL_JSON naming it, not a hang', async () => {
    const artifacts = await artifactsOf(twoHeadModel());
    const topology = structuredClone(artifacts.modelTopology) as { config: { layers: Array<{ name: string; inbound_nodes: unknown[] }> } };
    topology.config.layers.find((l) => l.name === 'box')!.inbound_nodes = [[['sharred', 1, 0, {}]]];
    const e = await layersModelSource({ ...artifacts, modelTopology: topology }, 'm').catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'BAD_MODEL_JSON', message: expect.stringContaining('m: the model: layer "box" takes an input from "sharred": no layer of that name; tfjs would wait for it forever') });
  });
});
