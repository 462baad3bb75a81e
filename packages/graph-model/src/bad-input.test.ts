import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeContainer, encodeContainer } from '@dc/core';
import { activateTfBackend, readModelArtifacts } from '@dc/core/tfjs';
import { rejectedError as rejection, thrownError as sync, tinyDenseModel } from '@dc/core/testing';
import { compressGraphModel, dcmGraphModelHandler, encodeGraphModel, graphModelSource, loadGraphModelArtifacts, uniformAllocation } from './index.js';
import { writeFixture } from './testing/fixture.js';

type Node = { name: string; op: string };
const nodesOf = (json: Record<string, unknown>): Node[] => (json.modelTopology as { node: Node[] }).node;

beforeAll(async () => {
  await activateTfBackend(tf, 'cpu');
});

describe('bad input is a DcError with a code and a hint, before any work', () => {
  it('an op tfjs-converter cannot execute: UNSUPPORTED_OP naming the node and op; accepted when registered as a custom op', async () => {
    const path = await writeFixture((json) => {
      nodesOf(json).find((n) => n.name === 'model/relu6')!.op = 'MyFancyActivation';
    });
    const e = await rejection(loadGraphModelArtifacts(path));
    expect(e.code).toBe('UNSUPPORTED_OP');
    expect(e.message).toContain('"model/relu6"');
    expect(e.message).toContain('MyFancyActivation');
    expect(e.hint).toContain('supported_ops.md');
    expect(e.hint).toContain('customOps');
    const source = await loadGraphModelArtifacts(path, { customOps: ['MyFancyActivation'] });
    expect(source.tensors).toHaveLength(7);
  });

  it('a manifest whose shard is missing: MODEL_WEIGHTS_MISSING naming it', async () => {
    const path = await writeFixture();
    await unlink(join(path, '..', 'weights.bin'));
    const e = await rejection(loadGraphModelArtifacts(path));
    expect(e.code).toBe('MODEL_WEIGHTS_MISSING');
    expect(e.message).toContain('weights.bin');
    expect(e.hint).toMatch(/next to/);
  });

  it('no model.json at the path: FILE_NOT_FOUND naming it', async () => {
    const path = join(await writeFixture(), '..', 'absent.json');
    const e = await rejection(loadGraphModelArtifacts(path));
    expect([e.code, e.message]).toEqual(['FILE_NOT_FOUND', expect.stringMatching(/absent\.json: no such file or folder$/)]);
  });

  it('a LayersModel model.json: WRONG_MODEL_FORMAT pointing to the layers loader', async () => {
    const path = await writeFixture((json) => {
      json.format = 'layers-model';
      json.modelTopology = { class_name: 'Sequential', config: { layers: [] } };
    });
    const e = await rejection(loadGraphModelArtifacts(path));
    expect(e.code).toBe('WRONG_MODEL_FORMAT');
    expect(e.hint).toContain('loadModel');
  });

  it('a node list that is not GraphDef nodes (an entry that is no object, a node without a name or an op): BAD_MODEL_JSON naming the entry', async () => {
    const cases: Array<[(json: Record<string, unknown>) => void, string]> = [
      [(json) => ((json.modelTopology as { node: unknown[] }).node[2] = null), 'modelTopology.node[2] is not an object'],
      [(json) => delete (nodesOf(json)[4] as Partial<Node>).op, 'modelTopology.node[4].op is not a string'],
      [(json) => ((nodesOf(json)[1] as { name: unknown }).name = 7), 'modelTopology.node[1].name is not a string'],
      [(json) => ((json.modelTopology as Record<string, unknown>).library = { function: [{ nodeDef: 'x' }] }), 'modelTopology.library.function[0].nodeDef is not a list'],
    ];
    for (const [forge, message] of cases) {
      const e = await rejection(loadGraphModelArtifacts(await writeFixture(forge)));
      expect([e.code, e.message, e.hint]).toEqual(['BAD_MODEL_JSON', expect.stringContaining(message), expect.stringContaining('tensorflowjs_converter')]);
    }
  });

  it('a graph tfjs cannot follow (an input naming no node, a cycle that is not a loop): BAD_MODEL_JSON naming the node, where tfjs fails deep inside or returns nothing', async () => {
    const rewire = (name: string, input: string[]) => (json: Record<string, unknown>) => void ((nodesOf(json).find((n) => n.name === name) as Node & { input: string[] }).input = input);
    const cycle = await writeFixture(rewire('model/relu6', ['model/out/Softmax']));
    // What tfjs does with it: execute() returns nothing at all, without an error.
    const { artifacts } = await readModelArtifacts(cycle, 'graph-model');
    const model = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
    expect(model.execute(tf.zeros([1, 8, 8, 3]))).toBeUndefined();
    const e = await rejection(loadGraphModelArtifacts(cycle));
    expect([e.code, e.message, e.hint]).toEqual(['BAD_MODEL_JSON', expect.stringContaining('tfjs cannot run its graph: node "model/'), expect.stringContaining('tensorflowjs_converter')]);
    expect(e.message).toContain('depends on itself through its inputs');
    const dangling = await rejection(loadGraphModelArtifacts(await writeFixture(rewire('model/relu6', ['model/dw/depthwse']))));
    expect(dangling.message).toContain('node "model/relu6" takes input "model/dw/depthwse", which names no node of the graph');
  });

  it('node attributes tfjs cannot read, or a window TensorFlow would not take: BAD_MODEL_JSON naming the node and attribute, where tfjs throws from deep inside', async () => {
    type Attrs = Record<string, unknown>;
    const setAttr = (name: string, key: string, value: unknown) => (json: Record<string, unknown>) => void ((nodesOf(json).find((n) => n.name === name) as Node & { attr: Attrs }).attr[key] = value);
    const noList = await writeFixture(setAttr('model/conv/BiasAdd', 'strides', { i: '2' }));
    // What tfjs does with them: a TypeError from inside its op mapper when it loads; an invalid typed array length when it runs.
    await expect(tf.loadGraphModel(tf.io.fromMemory((await readModelArtifacts(noList, 'graph-model')).artifacts))).rejects.toThrow(TypeError);
    const zero = await writeFixture(setAttr('model/dw/depthwise', 'strides', { list: { i: ['1', '0', '0', '1'] } }));
    await expect((async () => (await tf.loadGraphModel(tf.io.fromMemory((await readModelArtifacts(zero, 'graph-model')).artifacts))).execute(tf.zeros([1, 8, 8, 3])))()).rejects.toThrow(RangeError);
    for (const [path, message] of [
      [noList, 'node "model/conv/BiasAdd" (_FusedConv2D): attribute strides has no `list` (tfjs reads it as a list of integers)'],
      [zero, 'node "model/dw/depthwise" (DepthwiseConv2dNative): attribute strides must list 4 (or 5) integers ≥ 1'],
      [await writeFixture(setAttr('model/dw/depthwise', 'padding', { s: btoa('REFLECT') })), 'node "model/dw/depthwise" (DepthwiseConv2dNative): attribute padding must be one of SAME, VALID, EXPLICIT'],
    ] as const) {
      const e = await rejection(loadGraphModelArtifacts(path));
      expect([e.code, e.message, e.hint]).toEqual(['BAD_MODEL_JSON', expect.stringContaining(`tfjs cannot run its graph: ${message}`), expect.stringContaining('tensorflowjs_converter')]);
    }
  });

  it('a signature entry that is not a tensor info, or names no node: BAD_MODEL_JSON naming the entry, where tfjs throws a TypeError or runs and returns nothing', async () => {
    const setOutput = (info: unknown) => (json: Record<string, unknown>) => void ((json.signature as { outputs: Record<string, unknown> }).outputs = { 'Identity:0': info });
    const nullEntry = await writeFixture(setOutput(null));
    const misnamed = await writeFixture(setOutput({ name: 'Identiy:0', dtype: 'DT_FLOAT' }));
    // What tfjs does with them: a TypeError from inside its op mapper; a model that runs and returns nothing.
    await expect(tf.loadGraphModel(tf.io.fromMemory((await readModelArtifacts(nullEntry, 'graph-model')).artifacts))).rejects.toThrow(TypeError);
    const silent = await tf.loadGraphModel(tf.io.fromMemory((await readModelArtifacts(misnamed, 'graph-model')).artifacts));
    expect(silent.execute(tf.zeros([1, 8, 8, 3]))).toBeUndefined();
    for (const [path, message] of [
      [nullEntry, 'signature.outputs entry "Identity:0" is not a tensor info with a string name'],
      [misnamed, 'signature.outputs entry "Identity:0" names "Identiy:0", which is no node of the graph'],
    ] as const) {
      const e = await rejection(loadGraphModelArtifacts(path));
      expect([e.code, e.message, e.hint]).toEqual(['BAD_MODEL_JSON', expect.stringContaining(`tfjs cannot run its graph: ${message}`), expect.stringContaining('tensorflowjs_converter')]);
    }
  });

  it('a weight of a dtype the file cannot hold: BAD_MODEL_JSON', async () => {
    const path = await writeFixture((json) => {
      (json.weightsManifest as Array<{ weights: Array<{ dtype: string }> }>)[0].weights[3].dtype = 'string';
    });
    expect((await rejection(loadGraphModelArtifacts(path))).code).toBe('BAD_MODEL_JSON');
    // Artifacts from any IOHandler: a weight spec that is not one is named before any weight is decoded.
    const { artifacts } = await loadGraphModelArtifacts(await writeFixture());
    const specs = artifacts.weightSpecs!.map((w, i) => (i === 5 ? { ...w, shape: [16, -40] } : w));
    const e = await rejection(graphModelSource({ ...artifacts, weightSpecs: specs }, 'handler'));
    expect([e.code, e.message]).toEqual(['BAD_MODEL_JSON', expect.stringContaining('handler: weight spec 5: "model/fc/weights" has shape [16,-40], not a list of extents')]);
  });

  it('a manifest that disagrees with the graph (a weight of another shape or dtype than its Const node declares): BAD_MODEL_JSON naming the node, before any weight is decoded', async () => {
    type Spec = { name: string; shape: number[]; dtype: string };
    const specs = (json: Record<string, unknown>): Spec[] => (json.weightsManifest as Array<{ weights: Spec[] }>)[0].weights;
    const reshaped = await writeFixture((json) => (specs(json).find((w) => w.name === 'model/fc/weights')!.shape = [40, 16]));
    const e = await rejection(loadGraphModelArtifacts(reshaped));
    expect([e.code, e.message]).toEqual(['BAD_MODEL_JSON', expect.stringContaining('Const node "model/fc/weights" declares shape [16, 40] and its weight has shape [40, 16]')]);
    expect(e.hint).toMatch(/weightsManifest.*modelTopology.*disagree/);
    const retyped = await writeFixture((json) => (specs(json).find((w) => w.name === 'model/pool/axes')!.dtype = 'float32'));
    expect((await rejection(loadGraphModelArtifacts(retyped))).message).toContain('"model/pool/axes" declares DT_INT32, stored as int32, and its weight is float32');
  });

  it('an allocation naming an int32 weight or an unknown one: INVALID_OPTION', async () => {
    const source = await loadGraphModelArtifacts(await writeFixture());
    expect(sync(() => compressGraphModel(source, { 'model/pool/axes': { sparsity: 0.5, bits: 4 } })).code).toBe('INVALID_OPTION');
    expect(sync(() => compressGraphModel(source, { nope: { sparsity: 0.5, bits: 4 } })).tensor).toBe('nope');
    expect(sync(() => compressGraphModel(source, { 'model/fc/weights': { sparsity: 1, bits: 4 } })).code).toBe('INVALID_OPTION');
  });

  it('a corrupted or misdirected .dcm: CHECKSUM_MISMATCH / WRONG_MODEL_FORMAT from the handler and the layers reader', async () => {
    const source = await loadGraphModelArtifacts(await writeFixture());
    const { bytes } = encodeGraphModel(compressGraphModel(source, uniformAllocation(source.tensors)));
    const damaged = bytes.slice();
    damaged[damaged.length - 3] ^= 0x40;
    const e = await rejection(dcmGraphModelHandler(damaged).load!());
    expect(e.code).toBe('CHECKSUM_MISMATCH');
    expect(e.hint).toMatch(/corrupted/);
    const wrongReader = sync(() => decodeContainer(bytes));
    expect(wrongReader.code).toBe('WRONG_MODEL_FORMAT');
    expect(wrongReader.hint).toContain('dcmGraphModelHandler');
    const layers = encodeContainer({ model: tinyDenseModel() }).bytes;
    const wrongHandler = await rejection(dcmGraphModelHandler(layers).load!());
    expect(wrongHandler.code).toBe('WRONG_MODEL_FORMAT');
    expect(wrongHandler.hint).toContain('dcmHandler');
  });
});
