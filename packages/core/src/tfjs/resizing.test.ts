/**
 * Keras' `Resizing` in a user's model — a classifier resizing its input for its backbone, a
 * segmenter resizing its logits back to the image: tfjs 4.22's own layer aligns the corners (Keras
 * samples at half-pixel centres) and crops nothing, so dc loads it (tfjs and Keras 3 files) as
 * Keras computes it — written out below from TensorFlow's definition, in float64 — a `resizing`
 * node (after a `cropping2d` of Keras' window with `crop_to_aspect_ratio`), differentiated exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { aspectRatioCrop, aspectRatioPad } from '../ops/resizing-axis.js';
import { artifactsOf, asKeras3, clone, handlerOf, type Json } from './keras3-fixture.test-support.js';
import { expectRebuiltPredicts } from './layers-model.test-support.js';
import { loadModel } from './load-model.js';
import { kerasResize } from './keras-resize.js';
import { resizing, type ResizingArgs } from './resizing.js';

type Interpolation = 'bilinear' | 'nearest';

/** TensorFlow's half-pixel sampling of one output position: the input positions read and their weights. */
function samples(o: number, inSize: number, outSize: number, interpolation: Interpolation): Array<[number, number]> {
  const scale = inSize / outSize;
  if (interpolation === 'nearest') return [[Math.min(inSize - 1, Math.floor((o + 0.5) * scale)), 1]];
  const at = (o + 0.5) * scale - 0.5;
  const [lower, upper, lerp] = [Math.max(Math.floor(at), 0), Math.min(Math.ceil(at), inSize - 1), at - Math.floor(at)];
  return [[lower, 1 - lerp], [upper, lerp]];
}

/** `x` (`[b][h][w][c]`) resized to `height × width` from the definition. */
function resized(x: number[][][][], height: number, width: number, interpolation: Interpolation): number[][][][] {
  const [h, w] = [x[0].length, x[0][0].length];
  return x.map((image) =>
    Array.from({ length: height }, (_, oy) =>
      Array.from({ length: width }, (_, ox) =>
        image[0][0].map((_, c) => {
          let v = 0;
          for (const [y, wy] of samples(oy, h, height, interpolation)) for (const [xx, wx] of samples(ox, w, width, interpolation)) v += wy * wx * image[y][xx][c];
          return v;
        }),
      ),
    ),
  );
}

const wave = (shape: number[], k = 1.3) => tf.tensor4d(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * k) + 0.1 * i), shape as [number, number, number, number]);

/** Images [h, w, 2] → Resizing → conv 3×3 → average → 3 classes, saved with the resize named as Keras names it. */
async function savedClassifier(h: number, w: number, args: ResizingArgs): Promise<{ lm: tf.LayersModel; artifacts: tf.io.ModelArtifacts }> {
  const image = tf.input({ shape: [h, w, 2], name: 'image' });
  const sized = resizing(tf, { name: 'resize', ...args }).apply(image) as tf.SymbolicTensor;
  const conv = tf.layers.conv2d({ filters: 3, kernelSize: 3, name: 'conv', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(sized) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(conv) as tf.SymbolicTensor;
  const lm = tf.model({ inputs: image, outputs: tf.layers.dense({ units: 3, activation: 'softmax', name: 'head', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(pooled) as tf.SymbolicTensor, name: 'resized' });
  const artifacts = await artifactsOf(lm);
  const topology = clone(artifacts.modelTopology) as Json;
  for (const layer of (topology.config as { layers: Json[] }).layers) if (layer.class_name === 'DcResizing') layer.class_name = 'Resizing';
  return { lm, artifacts: { ...artifacts, modelTopology: topology } };
}

/** `artifacts` with the `Resizing` layer's config extended by `extra` (Keras' snake-case keys). */
function withResizeConfig(artifacts: tf.io.ModelArtifacts, extra: Json): tf.io.ModelArtifacts {
  const topology = clone(artifacts.modelTopology) as Json;
  const layer = (topology.config as { layers: Json[] }).layers.find((l) => l.class_name === 'Resizing')!;
  layer.config = { ...(layer.config as Json), ...extra };
  return { ...artifacts, modelTopology: topology };
}

describe("Keras' Resizing", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['up by a non-integer ratio, bilinear (5 × 7 → 8 × 10)', [2, 5, 7, 3], 8, 10, 'bilinear'],
    ['down, bilinear (9 × 8 → 4 × 3)', [2, 9, 8, 3], 4, 3, 'bilinear'],
    ['up and down at once, nearest (5 × 9 → 7 × 4)', [2, 5, 9, 3], 7, 4, 'nearest'],
    ['to the same size (identity), bilinear', [1, 4, 6, 2], 4, 6, 'bilinear'],
    ['from one pixel, bilinear (1 × 1 → 3 × 2)', [1, 1, 1, 2], 3, 2, 'bilinear'],
  ] as const)('resizes %s as TensorFlow defines it', (_what, shape, height, width, interpolation) => {
    const x = wave([...shape]);
    const got = kerasResize(tf, x, [height, width], interpolation);
    expect(got.shape).toEqual([shape[0], height, width, shape[3]]);
    const want = resized(x.arraySync(), height, width, interpolation).flat(3);
    expect(Array.from(got.dataSync())).toEqual(want.map((v) => expect.closeTo(v, 5)));
    tf.dispose([x, got]);
  });

  it.each(['bilinear', 'nearest'] as const)('its %s gradient is the exact adjoint of the resize (tfjs differentiates its resizes without half-pixel centres)', (interpolation) => {
    const x = wave([2, 5, 7, 2]);
    const r = wave([2, 8, 3, 2], 0.7);
    // d Σ r · resize(x) / dx: each output's r spread back over the pixels it read, with their weights.
    const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(kerasResize(tf, input as tf.Tensor4D, [8, 3], interpolation), r)))(x);
    const rs = r.arraySync();
    const want = x.arraySync().map((image) => image.map((row) => row.map((pixel) => pixel.map(() => 0))));
    for (let b = 0; b < 2; b++)
      for (let oy = 0; oy < 8; oy++)
        for (let ox = 0; ox < 3; ox++)
          for (const [y, wy] of samples(oy, 5, 8, interpolation))
            for (const [xx, wx] of samples(ox, 7, 3, interpolation)) for (let c = 0; c < 2; c++) want[b][y][xx][c] += wy * wx * rs[b][oy][ox][c];
    expect(Array.from(grad.dataSync())).toEqual(want.flat(3).map((v) => expect.closeTo(v, 5)));
    tf.dispose([x, r, grad]);
  });

  it.each([
    ['bilinear', 10, 7, { height: 6, width: 4, interpolation: 'bilinear' }, undefined],
    ['nearest', 6, 5, { height: 9, width: 8, interpolation: 'nearest' }, undefined],
    // Keras: crop height min(7, int(10 · 3 / 5)) = 6 from row int((7 − 6) / 2) = 0; width min(10, int(7 · 5 / 3)) = 10.
    ['crop_to_aspect_ratio (7 × 10 → 3 × 5: rows 0–5)', 7, 10, { height: 3, width: 5, cropToAspectRatio: true }, [[0, 1], [0, 0]]],
  ] as const)('a %s Resizing loads (tfjs and Keras 3 files) as Keras computes it', async (_what, h, w, given, crop) => {
    const args: ResizingArgs & { interpolation?: Interpolation } = given;
    const { lm, artifacts } = await savedClassifier(h, w, args);
    const x = wave([2, h, w, 2]);
    let pixels = x.arraySync();
    if (crop) pixels = pixels.map((image) => image.slice(crop[0][0], h - crop[0][1]).map((row) => row.slice(crop[1][0], w - crop[1][1])));
    const window = tf.tensor4d(resized(pixels, args.height, args.width, args.interpolation ?? 'bilinear'));
    const head = (t: tf.Tensor) => lm.getLayer('head').apply(lm.getLayer('pool').apply(lm.getLayer('conv').apply(t))) as tf.Tensor;
    const expected = Array.from(head(window).dataSync());
    expect(Array.from((lm.predict(x) as tf.Tensor).dataSync())).toEqual(expected.map((v) => expect.closeTo(v, 5)));
    for (const file of [artifacts, asKeras3(artifacts)]) {
      const { model } = await loadModel(handlerOf(file), { tf });
      expect(model.inputShape).toEqual([h, w, 2]);
      const resize = { name: 'resize', config: { kind: 'resizing', size: [args.height, args.width], interpolation: args.interpolation ?? 'bilinear' } };
      expect(model.layers.slice(0, crop ? 2 : 1)).toMatchObject(crop ? [{ name: 'resize_crop', config: { kind: 'cropping2d', amounts: crop } }, resize] : [resize]);
      expectRebuiltPredicts(model, x, expected, 5);
    }
    tf.dispose([x, window]);
    lm.dispose();
  });

  it("pads to the aspect ratio (Keras 3's pad_to_aspect_ratio) with zeros before resizing", async () => {
    // Keras: canvas max(7, int(10 · 5 / 5)) = 10 rows from row int((10 − 7) / 2) = 1, width max(10, int(7 · 5 / 5)) = 10.
    const { lm, artifacts } = await savedClassifier(7, 10, { height: 5, width: 5, padToAspectRatio: true });
    const x = wave([2, 7, 10, 2]);
    const padded = x.arraySync().map((image) => [image[0].map((p) => p.map(() => 0)), ...image, ...[0, 1].map(() => image[0].map((p) => p.map(() => 0)))]);
    const head = (t: tf.Tensor) => lm.getLayer('head').apply(lm.getLayer('pool').apply(lm.getLayer('conv').apply(t))) as tf.Tensor;
    const expected = Array.from(head(tf.tensor4d(resized(padded, 5, 5, 'bilinear'))).dataSync());
    expect(Array.from((lm.predict(x) as tf.Tensor).dataSync())).toEqual(expected.map((v) => expect.closeTo(v, 5)));
    const { model } = await loadModel(handlerOf(asKeras3(artifacts)), { tf });
    expect(model.layers.slice(0, 2)).toMatchObject([
      { name: 'resize_pad', config: { kind: 'zeroPadding2d', amounts: [[1, 2], [0, 0]] } },
      { name: 'resize', config: { kind: 'resizing', size: [5, 5], interpolation: 'bilinear' } },
    ]);
    expectRebuiltPredicts(model, x, expected, 5);
    x.dispose();
    lm.dispose();
  });

  it("loads Keras' RandomCrop as what it computes at inference: the aspect-ratio window, resized bilinearly", async () => {
    const { lm, artifacts } = await savedClassifier(7, 10, { height: 3, width: 5, cropToAspectRatio: true });
    const expected = Array.from((lm.predict(wave([2, 7, 10, 2])) as tf.Tensor).dataSync());
    const topology = clone(artifacts.modelTopology) as Json;
    const layer = (topology.config as { layers: Json[] }).layers.find((l) => l.class_name === 'Resizing')!;
    Object.assign(layer, { class_name: 'RandomCrop', config: { name: 'resize', trainable: true, dtype: 'float32', height: 3, width: 5, seed: 7 } });
    const cropped = { ...artifacts, modelTopology: topology };
    for (const file of [cropped, asKeras3(cropped)]) {
      const { model } = await loadModel(handlerOf(file), { tf });
      expect(model.layers.slice(0, 2)).toMatchObject([
        { name: 'resize_crop', config: { kind: 'cropping2d', amounts: [[0, 1], [0, 0]] } },
        { name: 'resize', config: { kind: 'resizing', size: [3, 5], interpolation: 'bilinear' } },
      ]);
      expectRebuiltPredicts(model, wave([2, 7, 10, 2]), expected, 5);
    }
    lm.dispose();
  });

  it("crops (or pads to) Keras' window of the target's aspect ratio", () => {
    // A 480 × 640 photograph to 224 × 224: the centred 480 × 480 square.
    expect(aspectRatioCrop(480, 640, 224, 224)).toEqual([[0, 0], [80, 80]]);
    // Portrait to landscape: height int(300 · 9 / 16) = 168 of 500, from row int(332 / 2) = 166.
    expect(aspectRatioCrop(500, 300, 9, 16)).toEqual([[166, 166], [0, 0]]);
    // An odd margin: the extra row goes after (int truncates).
    expect(aspectRatioCrop(7, 10, 3, 5)).toEqual([[0, 1], [0, 0]]);
    // At least one pixel.
    expect(aspectRatioCrop(1, 100, 50, 1)).toEqual([[0, 0], [49, 50]]);
    // Padding instead: a 480 × 640 photograph on a 640 × 640 canvas, 80 rows above and below.
    expect(aspectRatioPad(480, 640, 224, 224)).toEqual([[80, 80], [0, 0]]);
    expect(aspectRatioPad(7, 10, 5, 5)).toEqual([[1, 2], [0, 0]]);
  });

  it.each([
    ['interpolation "bicubic"', { interpolation: 'bicubic' }, /interpolation "bicubic" is not supported; bilinear and nearest are$/],
    ['antialias', { antialias: true }, /antialias is not supported$/],
    ['padding with ones', { pad_to_aspect_ratio: true, fill_value: 1 }, /padding to the aspect ratio with fill_mode "constant" and fill_value 1 is not supported; zeros are$/],
    ['padding by reflection', { pad_to_aspect_ratio: true, fill_mode: 'reflect' }, /fill_mode "reflect" and fill_value 0 is not supported; zeros are$/],
    ['channels_first', { data_format: 'channels_first' }, /data format "channelsFirst" is not supported$/],
  ] as const)('refuses %s by name before any work', async (_what, extra, message) => {
    const { lm, artifacts } = await savedClassifier(6, 6, { height: 4, width: 4 });
    await expect(loadModel(handlerOf(withResizeConfig(artifacts, extra)), { tf })).rejects.toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(message) });
    lm.dispose();
  });
});
