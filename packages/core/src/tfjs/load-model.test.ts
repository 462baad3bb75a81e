import { createServer } from 'node:http';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDcError, type DcError } from '../errors/dc-error.js';
import { paramKey } from '../ir/params.js';
import { snapshot } from '../testing/stage-contract.js';
import { fromLayersModel } from './convert-from.js';
import { fileHandler, readModelArtifacts } from './file-handler.js';
import { writeKerasFixture, withLayerClass, type KerasFixtureWeights } from './keras-fixture.test-support.js';
import { loadModel } from './load-model.js';
import { dcmHandler } from './dcm-handler.js';
import { decodeContainer } from '../container/decode.js';
import { encodeContainer } from '../container/encode.js';

const rejection = async (p: Promise<unknown>): Promise<DcError> => {
  const e = await p.then(() => undefined, (error: unknown) => error);
  if (!isDcError(e)) throw new Error(`expected a DcError, got ${String(e)}`);
  return e;
};

/** A functional tfjs model with the modern layers, seeded. */
function graphModel(): tf.LayersModel {
  const seed = (s: number) => tf.initializers.glorotUniform({ seed: s });
  const input = tf.input({ shape: [8, 8, 3], name: 'pixels' });
  const stem = tf.layers.conv2d({ name: 'stem', filters: 4, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: seed(1) }).apply(input) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: 'bn', movingVarianceInitializer: tf.initializers.constant({ value: 1.5 }) }).apply(stem) as tf.SymbolicTensor;
  const act = tf.layers.reLU({ name: 'relu6', maxValue: 6 }).apply(bn) as tf.SymbolicTensor;
  const sep = tf.layers.separableConv2d({ name: 'sep', filters: 4, kernelSize: 3, padding: 'same', depthwiseInitializer: seed(2), pointwiseInitializer: seed(3) }).apply(act) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'sum' }).apply([act, sep]) as tf.SymbolicTensor;
  const gap = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(sum) as tf.SymbolicTensor;
  const head = tf.layers.dense({ name: 'head', units: 5, activation: 'softmax', kernelInitializer: seed(4) }).apply(gap) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: head, name: 'graph' });
}

describe('loadModel and fileHandler', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'dc-load-model-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("records the loss model.json was compiled with in the IR (training), which a .dcm keeps and dcmHandler's model.json hands back to loadModel", async () => {
    const out = join(dir, 'compiled');
    await graphModel().save(fileHandler(out));
    const path = join(out, 'model.json');
    const json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...json, trainingConfig: { loss: { class_name: 'Huber', config: { delta: 0.5 } }, metrics: ['mae'], optimizer_config: { class_name: 'Adam', config: {} } } }));
    const loaded = await loadModel(path, { tf });
    expect(loaded.model.training).toEqual({ loss: 'huber', huberDelta: 0.5 });
    const file = decodeContainer(encodeContainer({ model: loaded.model }).bytes);
    expect(file.training).toEqual({ loss: 'huber', huberDelta: 0.5 });
    const exported = join(dir, 'exported');
    const lm = await tf.loadLayersModel(dcmHandler(file, { tf }));
    await lm.save(fileHandler(exported));
    lm.dispose();
    const metadata = JSON.parse(await readFile(join(exported, 'model.json'), 'utf8')) as { userDefinedMetadata: unknown; trainingConfig?: unknown };
    expect(metadata).toMatchObject({ userDefinedMetadata: { dcm: { training: { loss: 'huber', huberDelta: 0.5 } } } });
    const again = await loadModel(join(exported, 'model.json'), { tf });
    expect([again.compile, again.model.training]).toEqual([{ loss: 'huber', huberDelta: 0.5, metrics: [] }, { loss: 'huber', huberDelta: 0.5 }]);
    // A malformed record there is the model.json's fault.
    await writeFile(join(exported, 'model.json'), JSON.stringify({ ...metadata, userDefinedMetadata: { dcm: { training: { loss: 'focal' } } } }));
    const bad = await rejection(loadModel(join(exported, 'model.json'), { tf }));
    expect([bad.code, bad.message]).toEqual(['BAD_MODEL_JSON', expect.stringContaining('userDefinedMetadata.dcm.training.loss must be one of')]);
  });

  it('round-trips a tfjs model through model.save(fileHandler(dir)) bit-exactly, files written whole', async () => {
    const lm = graphModel();
    const out = join(dir, 'saved');
    const result = await lm.save(fileHandler(out));
    expect(result.modelArtifactsInfo.weightDataBytes).toBeGreaterThan(0);
    expect((await readdir(out)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(join(out, 'model.json'), 'utf8')) as { format: string; weightsManifest: { paths: string[] }[] };
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const loaded = await loadModel(join(out, 'model.json'), { tf });
    expect(snapshot(loaded.model)).toEqual(snapshot(fromLayersModel(lm)));
    expect(loaded.compile).toBeUndefined();
    // tfjs itself reads what the handler wrote.
    const again = await tf.loadLayersModel(fileHandler(`file://${join(out, 'model.json')}`));
    expect(again.getLayer('sep').getWeights()[1].dataSync()).toEqual(lm.getLayer('sep').getWeights()[1].dataSync());
    lm.dispose();
    again.dispose();
  });

  describe("tensorflowjs_converter's Keras output", () => {
    let keras: string;
    let weights: KerasFixtureWeights;
    beforeAll(async () => {
      keras = join(dir, 'keras');
      weights = await writeKerasFixture(keras);
    });

    it('loads unchanged: sharded, uint8- and float16-quantized weights, BN axis [3], the compile config', async () => {
      const loaded = await loadModel(join(keras, 'model.json'), { tf });
      const { model } = loaded;
      expect(model.inputName).toBe('input_1');
      expect(model.inputShape).toEqual([6, 6, 2]);
      expect(model.layers.map((l) => [l.name, l.config.kind])).toEqual([
        ['conv2d', 'conv2d'], ['batch_normalization', 'batchNorm'], ['re_lu', 'activation'], ['depthwise_conv2d', 'depthwiseConv2d'],
        ['add', 'add'], ['global_average_pooling2d', 'globalAvgPool2d'], ['dense', 'dense'],
      ]);
      expect(model.layers[4].inputs).toEqual(['re_lu', 'depthwise_conv2d']);
      const params = new Map(model.layers.flatMap((l) => Object.entries(l.params).map(([p, t]) => [paramKey(l.name, p as never), t!.values])));
      const byTfjsName: Record<string, string> = {
        'conv2d/kernel': 'conv2d/kernel', 'batch_normalization/gamma': 'batch_normalization/gamma', 'batch_normalization/beta': 'batch_normalization/beta',
        'batch_normalization/moving_mean': 'batch_normalization/movingMean', 'batch_normalization/moving_variance': 'batch_normalization/movingVariance',
        'depthwise_conv2d/depthwise_kernel': 'depthwise_conv2d/kernel', 'depthwise_conv2d/bias': 'depthwise_conv2d/bias', 'dense/kernel': 'dense/kernel', 'dense/bias': 'dense/bias',
      };
      for (const [name, values] of weights) expect(params.get(byTfjsName[name]), name).toEqual(values);
      expect(loaded.compile).toEqual({ loss: 'sparseCategoricalCrossentropy', fromLogits: true, metrics: ['sparseCategoricalAccuracy'] });
      expect(loaded.convertedBy).toBe('TensorFlow.js Converter v4.22.0');
    });

    it('loads over http(s) through tfjs\'s own tf.io.http', async () => {
      const server = createServer((req, res) => {
        readFile(join(keras, req.url!.slice(1))).then(
          (body) => res.end(body),
          () => res.writeHead(404).end(),
        );
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model.json`;
        const overHttp = await loadModel(url, { tf });
        const fromFile = await loadModel(join(keras, 'model.json'), { tf });
        expect(snapshot(overHttp.model)).toEqual(snapshot(fromFile.model));
        expect(overHttp.compile).toEqual(fromFile.compile);
      } finally {
        server.close();
      }
    });

    it('reads any IOHandler, whatever its shard sizes (tfjs 4.22 misreads a last shard larger than the first)', async () => {
      const { artifacts } = await readModelArtifacts(join(keras, 'model.json'));
      const bytes = new Uint8Array(artifacts.weightData as ArrayBuffer);
      const irregular = { load: async () => ({ ...artifacts, weightData: [bytes.slice(0, 100).buffer, bytes.slice(100).buffer] }) };
      const fromFile = await loadModel(join(keras, 'model.json'), { tf });
      expect(snapshot((await loadModel(irregular, { tf })).model)).toEqual(snapshot(fromFile.model));
    });

    it('an unsupported layer (Conv3D) or a custom layer class is UNSUPPORTED_LAYER naming the layer, its class and what is supported', async () => {
      const text = await readFile(join(keras, 'model.json'), 'utf8');
      for (const cls of ['Conv3D', 'MyAttentionLayer']) {
        const path = join(keras, `${cls}.json`);
        await writeFile(path, withLayerClass(text, 'depthwise_conv2d', cls));
        const e = await rejection(loadModel(path, { tf }));
        expect(e.code).toBe('UNSUPPORTED_LAYER');
        expect(e.message).toContain(`layer "depthwise_conv2d" (${cls})`);
        expect(e.hint).toMatch(/Supported layer classes: Dense, Conv2D, Conv2DTranspose, DepthwiseConv2D/);
      }
      // A nested model's layers are checked too: a "Sequential" without a layer list is no model.
      await writeFile(join(keras, 'nested.json'), withLayerClass(text, 'add', 'Sequential'));
      const nested = await rejection(loadModel(join(keras, 'nested.json'), { tf }));
      expect([nested.code, nested.message]).toEqual(['BAD_MODEL_JSON', expect.stringContaining('has no layer list (class_name Sequential)')]);
    });

    it('a layer call on which tfjs would wait forever (a node index its input layer never reaches) is BAD_MODEL_JSON naming it, not a hang', async () => {
      const json = JSON.parse(await readFile(join(keras, 'model.json'), 'utf8'));
      json.modelTopology.model_config.config.layers.find((l: { name: string }) => l.name === 'add').inbound_nodes = [[['re_lu', 0, 0, {}], ['depthwise_conv2d', 1, 0, {}]]];
      await writeFile(join(keras, 'waiting.json'), JSON.stringify(json));
      const e = await rejection(loadModel(join(keras, 'waiting.json'), { tf }));
      expect([e.code, e.message]).toEqual(['BAD_MODEL_JSON', expect.stringContaining('layer "add" takes an input from "depthwise_conv2d": a call (node 1) that layer never makes')]);
    });

    it('missing or short weight files are MODEL_WEIGHTS_MISSING; a file that is not a model.json is BAD_MODEL_JSON, one that is not there FILE_NOT_FOUND', async () => {
      const copy = join(dir, 'broken');
      await writeKerasFixture(copy);
      await truncate(join(copy, 'group1-shard2of2.bin'), 10);
      const short = await rejection(loadModel(join(copy, 'model.json'), { tf }));
      expect(short.code).toBe('MODEL_WEIGHTS_MISSING');
      expect(short.message).toMatch(/needs \d+/);
      await unlink(join(copy, 'group1-shard2of2.bin'));
      const missing = await rejection(loadModel(join(copy, 'model.json'), { tf }));
      expect(missing.code).toBe('MODEL_WEIGHTS_MISSING');
      expect(missing.message).toContain('group1-shard2of2.bin');
      expect(missing.hint).toMatch(/next to/);
      await writeFile(join(copy, 'not.json'), '{"modelTopology": {"node": []}, "format": "graph-model", "weightsManifest": []}');
      expect((await rejection(loadModel(join(copy, 'not.json'), { tf }))).message).toMatch(/GraphModel/);
      await writeFile(join(copy, 'garbage.json'), 'PK\u0003\u0004');
      expect((await rejection(loadModel(join(copy, 'garbage.json'), { tf }))).code).toBe('BAD_MODEL_JSON');
      expect((await rejection(loadModel(join(copy, 'absent.json'), { tf }))).code).toBe('FILE_NOT_FOUND');
    });

    it('a weightsManifest naming files outside the model.json\'s folder (up through .., or absolute) is BAD_MODEL_JSON, and none is read', async () => {
      const copy = join(dir, 'escaping');
      await writeKerasFixture(copy);
      const json = JSON.parse(await readFile(join(copy, 'model.json'), 'utf8'));
      // A shard of the right size outside the folder: read, it would load as the model's weights.
      await writeFile(join(dir, 'outside.bin'), await readFile(join(copy, 'group1-shard2of2.bin')));
      for (const path of ['../outside.bin', join(dir, 'outside.bin'), 'sub/../../outside.bin']) {
        json.weightsManifest[0].paths = ['group1-shard1of2.bin', path];
        await writeFile(join(copy, 'model.json'), JSON.stringify(json));
        const e = await rejection(loadModel(join(copy, 'model.json'), { tf }));
        expect(e.code, path).toBe('BAD_MODEL_JSON');
        expect(e.message).toContain(`outside the model's folder: ${path}`);
      }
      // A subfolder of the model's folder is inside it.
      await mkdir(join(copy, 'shards'));
      await rename(join(copy, 'group1-shard2of2.bin'), join(copy, 'shards', 'group1-shard2of2.bin'));
      json.weightsManifest[0].paths = ['group1-shard1of2.bin', 'shards/group1-shard2of2.bin'];
      await writeFile(join(copy, 'model.json'), JSON.stringify(json));
      expect((await loadModel(join(copy, 'model.json'), { tf })).model.layers.length).toBeGreaterThan(0);
    });
  });
});
