import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDcError, type DcError } from '../errors/dc-error.js';
import { fromLayersModel } from './convert-from.js';
import { toLayersModel } from './convert-to.js';
import { fileHandler } from './file-handler.js';
import { writeKerasFixture } from './keras-fixture.test-support.js';
import { loadModel } from './load-model.js';

const rejection = async (p: Promise<unknown>): Promise<DcError> => {
  const e = await p.then(() => undefined, (error: unknown) => error);
  if (!isDcError(e)) throw new Error(`expected a DcError, got ${String(e)}`);
  return e;
};

const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotNormal({ seed }) });

/** Models users build with open input dimensions, and the shape each is loaded at here. */
const OPEN_MODELS: readonly { name: string; declared: (number | null)[]; at: number[]; ids?: number; build: () => tf.LayersModel }[] = [
  {
    name: 'a reader of token sequences of any length (Embedding → LSTM → Dense)',
    declared: [null],
    at: [12],
    ids: 50,
    build: () => {
      const m = tf.sequential({ name: 'reader' });
      m.add(tf.layers.embedding({ name: 'embed', inputDim: 50, outputDim: 8, inputShape: [null], embeddingsInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 1 }) }));
      m.add(tf.layers.lstm({ name: 'lstm', units: 6, ...init(2), recurrentInitializer: tf.initializers.orthogonal({ seed: 3 }) }));
      m.add(tf.layers.dense({ name: 'head', units: 2, activation: 'softmax', ...init(4) }));
      return m;
    },
  },
  {
    name: 'a functional Conv1D over series of any length with 8 channels',
    declared: [null, 8],
    at: [20, 8],
    build: () => {
      const input = tf.input({ shape: [null, 8], name: 'series' });
      const conv = tf.layers.conv1d({ name: 'conv', filters: 4, kernelSize: 3, activation: 'relu', ...init(1) }).apply(input) as tf.SymbolicTensor;
      const pooled = tf.layers.globalMaxPooling1d({ name: 'pool' }).apply(conv) as tf.SymbolicTensor;
      const head = tf.layers.dense({ name: 'head', units: 3, activation: 'softmax', ...init(2) }).apply(pooled) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: head, name: 'series' });
    },
  },
  {
    name: 'a fully convolutional image model of any height and width',
    declared: [null, null, 3],
    at: [17, 23, 3],
    build: () => {
      const m = tf.sequential({ name: 'fcn' });
      m.add(tf.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 3, inputShape: [null, null, 3], activation: 'relu', ...init(1) }));
      m.add(tf.layers.batchNormalization({ name: 'bn', movingVarianceInitializer: tf.initializers.constant({ value: 1.5 }) }));
      m.add(tf.layers.globalAveragePooling2d({ name: 'gap' }));
      m.add(tf.layers.dense({ name: 'head', units: 2, activation: 'softmax', ...init(2) }));
      return m;
    },
  },
  {
    name: 'a position-wise Dense over any number of 16-feature steps',
    declared: [null, 16],
    at: [9, 16],
    build: () => {
      const m = tf.sequential({ name: 'steps' });
      m.add(tf.layers.dense({ name: 'step', units: 5, inputShape: [null, 16], activation: 'relu', ...init(1) }));
      m.add(tf.layers.globalAveragePooling1d({ name: 'mean' }));
      m.add(tf.layers.dense({ name: 'head', units: 2, activation: 'softmax', ...init(2) }));
      return m;
    },
  },
];

describe('loadModel: an input of unknown dimensions is loaded at the shape asked for', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'dc-input-shape-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  for (const [i, c] of OPEN_MODELS.entries()) {
    it(`${c.name}: model.json declares ${JSON.stringify(c.declared)}; the IR at ${JSON.stringify(c.at)} computes what the model computes at that shape`, async () => {
      const original = c.build();
      const path = join(dir, `open-${i}`, 'model.json');
      await original.save(fileHandler(join(dir, `open-${i}`)));
      const refused = await rejection(loadModel(path, { tf }));
      expect(refused.code).toBe('UNSUPPORTED_TOPOLOGY');
      expect(refused.message).toContain(`input [${c.declared.map((d) => d ?? 'null').join(', ')}] leaves dimensions unknown`);
      expect(refused.hint).toContain('inputShape: [');
      // The function form is called with the declared shape (how dc compress reads it from the data).
      const asked: unknown[] = [];
      const loaded = await loadModel(path, { tf, inputShape: (declared) => (asked.push(declared), c.at) });
      expect(asked).toEqual([c.declared]);
      expect(loaded.model.inputShape).toEqual(c.at);
      expect(loaded.declaredInputShape).toEqual(c.declared);
      const x = c.ids ? tf.randomUniform([4, ...c.at], 0, c.ids, 'int32', 1).toFloat() : tf.randomNormal([4, ...c.at], 0, 1, 'float32', 1);
      const pinned = toLayersModel(loaded.model, tf);
      const [want, got] = [original.predict(x) as tf.Tensor, pinned.predict(x) as tf.Tensor];
      expect(got.shape).toEqual(want.shape);
      expect(Math.max(...(await tf.abs(tf.sub(want, got)).data()))).toBeLessThan(1e-6);
      tf.dispose([x, want, got]);
      original.dispose();
      pinned.dispose();
    });
  }

  it('a shape of another rank, a fixed dimension changed or a dimension below 1 is INVALID_OPTION naming both shapes; a fixed-shape model takes its own shape only, and never calls the function', async () => {
    const open = join(dir, 'open-1', 'model.json'); // [null, 8], written above
    for (const bad of [[20], [20, 8, 1], [20, 9], [0, 8], [2.5, 8]]) {
      const e = await rejection(loadModel(open, { tf, inputShape: bad }));
      expect([e.code, e.option]).toEqual(['INVALID_OPTION', 'inputShape']);
      expect(e.message).toContain(`input shape [${bad.join(', ')}] does not fit the model's input [null, 8]`);
    }
    const fixed = tf.sequential({ name: 'fixed', layers: [tf.layers.dense({ units: 2, inputShape: [4], ...init(1) })] });
    await fixed.save(fileHandler(join(dir, 'fixed')));
    const path = join(dir, 'fixed', 'model.json');
    expect((await rejection(loadModel(path, { tf, inputShape: [5] }))).message).toContain("[5] does not fit the model's input [4]");
    const same = await loadModel(path, { tf, inputShape: [4] });
    expect([same.model.inputShape, same.declaredInputShape]).toEqual([[4], undefined]);
    let called = false;
    await loadModel(path, { tf, inputShape: () => ((called = true), [4]) });
    expect(called).toBe(false);
    fixed.dispose();
  });

  it('a Sequential whose first layer is a nested model of open input (a transfer-learning base) is loaded at the shape through it', async () => {
    const base = tf.sequential({ name: 'base', layers: [tf.layers.conv2d({ name: 'base_conv', filters: 3, kernelSize: 3, inputShape: [null, null, 1], ...init(1) }), tf.layers.globalMaxPooling2d({ name: 'base_pool' })] });
    const outer = tf.sequential({ name: 'transfer', layers: [base, tf.layers.dense({ name: 'head', units: 2, activation: 'softmax', ...init(2) })] });
    await outer.save(fileHandler(join(dir, 'nested')));
    const loaded = await loadModel(join(dir, 'nested', 'model.json'), { tf, inputShape: [10, 12, 1] });
    expect([loaded.model.inputShape, loaded.declaredInputShape]).toEqual([[10, 12, 1], [null, null, 1]]);
    const x = tf.randomNormal([2, 10, 12, 1], 0, 1, 'float32', 2);
    const pinned = toLayersModel(loaded.model, tf);
    const [want, got] = [outer.predict(x) as tf.Tensor, pinned.predict(x) as tf.Tensor];
    expect(Math.max(...(await tf.abs(tf.sub(want, got)).data()))).toBeLessThan(1e-6);
    tf.dispose([x, want, got]);
    outer.dispose();
    pinned.dispose();
  });

  it("tensorflowjs_converter's Keras layout (an InputLayer's batch_input_shape in model_config) with open height and width: loaded at the shape, weights bit-exact", async () => {
    const keras = join(dir, 'keras');
    const weights = await writeKerasFixture(keras);
    const path = join(keras, 'model.json');
    const json = JSON.parse(await readFile(path, 'utf8')) as { modelTopology: { model_config: { config: { layers: { config: Record<string, unknown> }[] } } } };
    json.modelTopology.model_config.config.layers[0].config.batch_input_shape = [null, null, null, 2];
    await writeFile(path, JSON.stringify(json));
    const loaded = await loadModel(path, { tf, inputShape: [11, 5, 2] });
    expect([loaded.model.inputShape, loaded.declaredInputShape]).toEqual([[11, 5, 2], [null, null, 2]]);
    const conv = loaded.model.layers.find((l) => l.name === 'conv2d')!;
    expect(conv.params.kernel!.values).toEqual(weights.get('conv2d/kernel'));
    // The file itself is not touched.
    expect(JSON.parse(await readFile(path, 'utf8')).modelTopology.model_config.config.layers[0].config.batch_input_shape).toEqual([null, null, null, 2]);
  });

  it('fromLayersModel of an in-memory model of open input says how to fix it', () => {
    const open = OPEN_MODELS[0].build();
    let error: unknown;
    try {
      fromLayersModel(open);
    } catch (e) {
      error = e;
    }
    expect(isDcError(error) && [error.code, error.message.includes('input [null] leaves dimensions unknown'), error.hint?.includes('loadModel(path, { inputShape })')]).toEqual(['UNSUPPORTED_TOPOLOGY', true, true]);
    open.dispose();
  });
});
