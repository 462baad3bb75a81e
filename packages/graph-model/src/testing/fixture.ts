/**
 * A small hand-written tfjs GraphModel for tests, written as model.json + weights.bin:
 * Placeholder → _FusedConv2D (+BiasAdd) → DepthwiseConv2dNative → Relu6 → Mean → Reshape (int32
 * shape constant) → MatMul → BiasAdd → Softmax → Identity. The conv kernel is float16-quantized in
 * the manifest, the depthwise kernel uint8-quantized; the Mean axes and the Reshape shape are int32.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom, toFloat16Bits } from '@dc/core';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const dims = (shape: readonly number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });
const ints = (xs: readonly number[]) => ({ list: { i: xs.map(String) } });

function constNode(name: string, shape: readonly number[], dtype: 'DT_FLOAT' | 'DT_INT32') {
  return { name, op: 'Const', attr: { value: { tensor: { dtype, tensorShape: dims(shape) } }, dtype: { type: dtype } } };
}

const T = { type: 'DT_FLOAT' };

/** The GraphDef of the fixture (its `node` list and versions). */
export function fixtureTopology() {
  return {
    node: [
      { name: 'input', op: 'Placeholder', attr: { dtype: T, shape: { shape: dims([-1, 8, 8, 3]) } } },
      constNode('model/conv/weights', [3, 3, 3, 16], 'DT_FLOAT'),
      constNode('model/conv/bias', [16], 'DT_FLOAT'),
      constNode('model/dw/weights', [3, 3, 16, 1], 'DT_FLOAT'),
      constNode('model/pool/axes', [2], 'DT_INT32'),
      constNode('model/flatten/shape', [2], 'DT_INT32'),
      constNode('model/fc/weights', [16, 40], 'DT_FLOAT'),
      constNode('model/fc/bias', [40], 'DT_FLOAT'),
      {
        name: 'model/conv/BiasAdd',
        op: '_FusedConv2D',
        input: ['input', 'model/conv/weights', 'model/conv/bias'],
        attr: { T, strides: ints([1, 1, 1, 1]), padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') }, dilations: ints([1, 1, 1, 1]), fused_ops: { list: { s: [b64('BiasAdd')] } }, num_args: { i: '1' }, epsilon: { f: 0 } },
      },
      {
        name: 'model/dw/depthwise',
        op: 'DepthwiseConv2dNative',
        input: ['model/conv/BiasAdd', 'model/dw/weights'],
        attr: { T, strides: ints([1, 1, 1, 1]), padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') }, dilations: ints([1, 1, 1, 1]) },
      },
      { name: 'model/relu6', op: 'Relu6', input: ['model/dw/depthwise'], attr: { T } },
      { name: 'model/pool/Mean', op: 'Mean', input: ['model/relu6', 'model/pool/axes'], attr: { T, Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } } },
      { name: 'model/flatten/Reshape', op: 'Reshape', input: ['model/pool/Mean', 'model/flatten/shape'], attr: { T, Tshape: { type: 'DT_INT32' } } },
      { name: 'model/fc/MatMul', op: 'MatMul', input: ['model/flatten/Reshape', 'model/fc/weights'], attr: { T, transpose_a: { b: false }, transpose_b: { b: false } } },
      { name: 'model/fc/BiasAdd', op: 'BiasAdd', input: ['model/fc/MatMul', 'model/fc/bias'], attr: { T, data_format: { s: b64('NHWC') } } },
      { name: 'model/out/Softmax', op: 'Softmax', input: ['model/fc/BiasAdd'], attr: { T } },
      { name: 'Identity', op: 'Identity', input: ['model/out/Softmax'], attr: { T } },
    ],
    library: {},
    versions: { producer: 1286 },
  };
}

/** The fixture's model.json object and weights.bin bytes. */
export function fixtureFiles(seed = 3): { json: Record<string, unknown>; weights: Uint8Array } {
  const rnd = createRandom(seed);
  const normal = (n: number, scale: number): number[] => Array.from({ length: n }, () => Math.fround((rnd.next() + rnd.next() + rnd.next() - 1.5) * scale));
  const parts: Uint8Array[] = [];
  const f32 = (xs: number[]) => parts.push(new Uint8Array(Float32Array.from(xs).buffer));
  const f16 = (xs: number[]) => parts.push(new Uint8Array(Uint16Array.from(xs, toFloat16Bits).buffer));
  const i32 = (xs: number[]) => parts.push(new Uint8Array(Int32Array.from(xs).buffer));
  f16(normal(3 * 3 * 3 * 16, 0.4));
  f32(normal(16, 0.1));
  const dw = Array.from({ length: 3 * 3 * 16 }, () => Math.floor(rnd.next() * 256));
  parts.push(Uint8Array.from(dw));
  i32([1, 2]);
  i32([-1, 16]);
  f32(normal(16 * 40, 0.5));
  f32(normal(40, 0.1));
  const weights = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (weights.set(p, at), at + p.length), 0);
  const json = {
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0 (hand-written test fixture)',
    signature: {
      inputs: { 'input:0': { name: 'input:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 8, 8, 3]) } },
      outputs: { 'Identity:0': { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 40]) } },
    },
    userDefinedMetadata: { note: 'dc fixture' },
    modelTopology: fixtureTopology(),
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'model/conv/weights', shape: [3, 3, 3, 16], dtype: 'float32', quantization: { dtype: 'float16' } },
          { name: 'model/conv/bias', shape: [16], dtype: 'float32' },
          { name: 'model/dw/weights', shape: [3, 3, 16, 1], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.004, min: -0.5 } },
          { name: 'model/pool/axes', shape: [2], dtype: 'int32' },
          { name: 'model/flatten/shape', shape: [2], dtype: 'int32' },
          { name: 'model/fc/weights', shape: [16, 40], dtype: 'float32' },
          { name: 'model/fc/bias', shape: [40], dtype: 'float32' },
        ],
      },
    ],
  };
  return { json, weights };
}

/** Writes the fixture (optionally edited) into a new temporary folder; returns the model.json path. */
export async function writeFixture(edit: (json: Record<string, unknown>) => void = () => undefined): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dc-graph-fixture-'));
  const { json, weights } = fixtureFiles();
  edit(json);
  await writeFile(join(dir, 'weights.bin'), weights);
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
  return join(dir, 'model.json');
}
