/**
 * A small hand-written tfjs GraphModel of a detector with non-max suppression in its graph, as
 * FaceBoxes and TF Object Detection API exports are: an 8 × 8 image → 16 anchors' boxes (corner
 * form, through a sigmoid), scores (sigmoid) and classes (the argmax of 3 logits) from three dense
 * layers → NonMaxSuppressionV3 (at most 8, IoU threshold 1: none suppressed, so the list is the 8
 * best by score) → GatherV2 of each → ExpandDims: outputs `[1, 8, 4]` boxes, `[1, 8]` scores sorted
 * from the highest down and `[1, 8]` class ids (float, as TF Object Detection API writes them).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom } from '@dc/core';

const dims = (shape: readonly number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });
const T = { type: 'DT_FLOAT' };
const INT = { type: 'DT_INT32' };

function constNode(name: string, shape: readonly number[], dtype: 'DT_FLOAT' | 'DT_INT32') {
  return { name, op: 'Const', attr: { value: { tensor: { dtype, tensorShape: dims(shape) } }, dtype: { type: dtype } } };
}

/** A dense layer `name` on `input`: MatMul, BiasAdd, Sigmoid. */
function denseSigmoid(name: string, input: string) {
  return [
    { name: `${name}/MatMul`, op: 'MatMul', input: [input, `${name}/weights`], attr: { T, transpose_a: { b: false }, transpose_b: { b: false } } },
    { name: `${name}/BiasAdd`, op: 'BiasAdd', input: [`${name}/MatMul`, `${name}/bias`], attr: { T, data_format: { s: Buffer.from('NHWC').toString('base64') } } },
    { name: `${name}/Sigmoid`, op: 'Sigmoid', input: [`${name}/BiasAdd`], attr: { T } },
  ];
}

/** Writes the detector into a new temporary folder; returns the model.json path. */
export async function writeNmsDetectorFixture(seed = 5): Promise<string> {
  const rnd = createRandom(seed);
  const normal = (n: number, scale: number): number[] => Array.from({ length: n }, () => (rnd.next() + rnd.next() + rnd.next() - 1.5) * scale);
  const weights: { name: string; shape: number[]; dtype: 'float32' | 'int32'; values: number[] }[] = [
    { name: 'flat/shape', shape: [2], dtype: 'int32', values: [1, 192] },
    { name: 'box/weights', shape: [192, 64], dtype: 'float32', values: normal(192 * 64, 0.5) },
    { name: 'box/bias', shape: [64], dtype: 'float32', values: normal(64, 0.5) },
    { name: 'box/shape', shape: [2], dtype: 'int32', values: [16, 4] },
    { name: 'score/weights', shape: [192, 16], dtype: 'float32', values: normal(192 * 16, 0.5) },
    { name: 'score/bias', shape: [16], dtype: 'float32', values: normal(16, 0.5) },
    { name: 'score/shape', shape: [1], dtype: 'int32', values: [16] },
    { name: 'class/weights', shape: [192, 48], dtype: 'float32', values: normal(192 * 48, 0.5) },
    { name: 'class/shape', shape: [2], dtype: 'int32', values: [16, 3] },
    { name: 'class/axis', shape: [], dtype: 'int32', values: [1] },
    { name: 'nms/max', shape: [], dtype: 'int32', values: [8] },
    { name: 'nms/iou', shape: [], dtype: 'float32', values: [1] },
    { name: 'nms/score', shape: [], dtype: 'float32', values: [0] },
    { name: 'axis', shape: [], dtype: 'int32', values: [0] },
  ];
  const node = [
    { name: 'image', op: 'Placeholder', attr: { dtype: T, shape: { shape: dims([1, 8, 8, 3]) } } },
    ...weights.map((w) => constNode(w.name, w.shape, w.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT')),
    { name: 'flat', op: 'Reshape', input: ['image', 'flat/shape'], attr: { T, Tshape: INT } },
    ...denseSigmoid('box', 'flat'),
    { name: 'box/Reshape', op: 'Reshape', input: ['box/Sigmoid', 'box/shape'], attr: { T, Tshape: INT } },
    ...denseSigmoid('score', 'flat'),
    { name: 'score/Reshape', op: 'Reshape', input: ['score/Sigmoid', 'score/shape'], attr: { T, Tshape: INT } },
    { name: 'class/MatMul', op: 'MatMul', input: ['flat', 'class/weights'], attr: { T, transpose_a: { b: false }, transpose_b: { b: false } } },
    { name: 'class/Reshape', op: 'Reshape', input: ['class/MatMul', 'class/shape'], attr: { T, Tshape: INT } },
    { name: 'class/ArgMax', op: 'ArgMax', input: ['class/Reshape', 'class/axis'], attr: { T, Tidx: INT, output_type: INT } },
    { name: 'class/Cast', op: 'Cast', input: ['class/ArgMax'], attr: { SrcT: INT, DstT: T } },
    { name: 'nms', op: 'NonMaxSuppressionV3', input: ['box/Reshape', 'score/Reshape', 'nms/max', 'nms/iou', 'nms/score'], attr: { T } },
    { name: 'boxes/Gather', op: 'GatherV2', input: ['box/Reshape', 'nms', 'axis'], attr: { Tparams: T, Tindices: INT, Taxis: INT, batch_dims: { i: '0' } } },
    { name: 'scores/Gather', op: 'GatherV2', input: ['score/Reshape', 'nms', 'axis'], attr: { Tparams: T, Tindices: INT, Taxis: INT, batch_dims: { i: '0' } } },
    { name: 'classes/Gather', op: 'GatherV2', input: ['class/Cast', 'nms', 'axis'], attr: { Tparams: T, Tindices: INT, Taxis: INT, batch_dims: { i: '0' } } },
    { name: 'boxes', op: 'ExpandDims', input: ['boxes/Gather', 'axis'], attr: { T, Tdim: INT } },
    { name: 'scores', op: 'ExpandDims', input: ['scores/Gather', 'axis'], attr: { T, Tdim: INT } },
    { name: 'classes', op: 'ExpandDims', input: ['classes/Gather', 'axis'], attr: { T, Tdim: INT } },
  ];
  const bytes = weights.flatMap((w) => [...new Uint8Array((w.dtype === 'int32' ? Int32Array.from(w.values) : Float32Array.from(w.values)).buffer)]);
  const json = {
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0 (hand-written test fixture)',
    signature: {
      inputs: { 'image:0': { name: 'image:0', dtype: 'DT_FLOAT', tensorShape: dims([1, 8, 8, 3]) } },
      outputs: { 'boxes:0': { name: 'boxes:0', dtype: 'DT_FLOAT', tensorShape: dims([1, -1, 4]) }, 'scores:0': { name: 'scores:0', dtype: 'DT_FLOAT', tensorShape: dims([1, -1]) }, 'classes:0': { name: 'classes:0', dtype: 'DT_FLOAT', tensorShape: dims([1, -1]) } },
    },
    modelTopology: { node, library: {}, versions: { producer: 1286 } },
    weightsManifest: [{ paths: ['weights.bin'], weights: weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })) }],
  };
  const dir = await mkdtemp(join(tmpdir(), 'dc-nms-detector-'));
  await writeFile(join(dir, 'weights.bin'), Uint8Array.from(bytes));
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
  return join(dir, 'model.json');
}
