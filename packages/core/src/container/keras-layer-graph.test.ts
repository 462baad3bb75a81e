import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeKerasFixture } from '../tfjs/keras-fixture.test-support.js';
import { kerasLayerGraphProblem } from './keras-layer-graph.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Sym = tf.SymbolicTensor;
type Layer = { name: string; class_name: string; inbound_nodes: unknown[][]; config: Record<string, unknown> };
type Topology = { class_name: string; config: { layers: Layer[] } };

/**
 * A siamese model as tfjs saves it: an encoder model (Dense, Dense) used as a layer on two inputs
 * (its calls are nodes 1 and 2: node 0 is its own), a Dense shared by both branches, a merge.
 */
function siamese(): Topology {
  const x = tf.input({ shape: [4] });
  const encoder = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 3 }).apply(tf.layers.dense({ units: 5 }).apply(x)) as Sym, name: 'encoder' });
  const shared = tf.layers.dense({ units: 2, name: 'shared' });
  const [a, b] = ['a', 'b'].map((name) => tf.input({ shape: [4], name }));
  const [ea, eb] = [a, b].map((t) => shared.apply(encoder.apply(t) as Sym) as Sym);
  const model = tf.model({ inputs: [a, b], outputs: tf.layers.add({ name: 'difference' }).apply([ea, eb]) as Sym });
  return model.toJSON(null, false) as unknown as Topology;
}

const layerNamed = (t: Topology, name: string): Layer => t.config.layers.find((l) => l.name === name)!;

describe('kerasLayerGraphProblem: the layer calls tfjs would wait on forever', () => {
  it('none in models tfjs and the Keras converter save: shared layers, a model used as a layer, model_config', async () => {
    const t = siamese();
    expect(layerNamed(t, 'shared').inbound_nodes).toHaveLength(2);
    expect(layerNamed(t, 'difference').inbound_nodes).toEqual([[['shared', 0, 0, {}], ['shared', 1, 0, {}]]]);
    expect(kerasLayerGraphProblem(t)).toBeUndefined();
    const sequential = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    expect(kerasLayerGraphProblem(sequential.toJSON(null, false))).toBeUndefined();
    const dir = await mkdtemp(join(tmpdir(), 'dc-layer-graph-'));
    await writeKerasFixture(dir);
    const keras = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { modelTopology: unknown };
    expect(kerasLayerGraphProblem(keras.modelTopology)).toBeUndefined();
    // tfjs builds the siamese model from its topology: what is accepted loads.
    expect((await tf.models.modelFromJSON(t as unknown as Parameters<typeof tf.models.modelFromJSON>[0])).outputs[0].shape).toEqual([null, 2]);
  });

  it('an input from no layer of that name, a call its layer never makes, a cycle: named', () => {
    const missing = siamese();
    layerNamed(missing, 'shared').inbound_nodes[0] = [['encoder_gone', 1, 0, {}]];
    expect(kerasLayerGraphProblem(missing)).toBe('the model: layer "shared" takes an input from "encoder_gone": no layer of that name; tfjs would wait for it forever');
    const beyond = siamese();
    layerNamed(beyond, 'difference').inbound_nodes[0] = [['shared', 0, 0, {}], ['shared', 2, 0, {}]];
    expect(kerasLayerGraphProblem(beyond)).toMatch(/layer "difference" takes an input from "shared": a call \(node 2\) that layer never makes/);
    const cycle = siamese();
    layerNamed(cycle, 'shared').inbound_nodes = [[['difference', 0, 0, {}]], [['encoder', 2, 0, {}]]];
    expect(kerasLayerGraphProblem(cycle)).toMatch(/layer "shared" takes an input from "difference": .*a cycle/);
  });

  it('layers found under no name or another, and problems inside a model used as a layer', () => {
    const unnamed = siamese();
    const encoderEntry = unnamed.config.layers.findIndex((l) => l.name === 'encoder');
    (unnamed.config.layers[encoderEntry] as { name: unknown }).name = 0;
    expect(kerasLayerGraphProblem(unnamed)).toBe('the model: layer "shared" takes an input from "encoder": no layer of that name; tfjs would wait for it forever');
    // Two entries named alike: tfjs finds the last by that name, and the first's calls are never made.
    const twice = siamese();
    layerNamed(twice, 'shared').name = 'difference';
    expect(kerasLayerGraphProblem(twice)).toBe('the model: layer "shared" is never called: another layer has the name its entry gives');
    const nested = siamese();
    const encoder = layerNamed(nested, 'encoder') as unknown as Topology;
    encoder.config.layers[2].inbound_nodes = [[[encoder.config.layers[1].name, 3, 0, {}]]];
    expect(kerasLayerGraphProblem({ model_config: nested })).toMatch(/^the model > encoder: layer "dense_\w+" takes an input from "dense_\w+": a call \(node 3\)/);
    // A Sequential stacks its layers: nothing to wire. Anything not a topology is left to tfjs.
    expect(kerasLayerGraphProblem({ class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: {} }] } })).toBeUndefined();
    for (const odd of [null, 'x', [], { class_name: 'Functional' }]) expect(kerasLayerGraphProblem(odd)).toBeUndefined();
  });

  it('a name or node index JavaScript cannot read (an object whose toString and valueOf are not functions, which tfjs throws a TypeError on): named', () => {
    const poison = { toString: 0, valueOf: 0 };
    const name = siamese();
    (layerNamed(name, 'shared') as { name: unknown }).name = poison;
    expect(kerasLayerGraphProblem(name)).toBe("the model: a layer's name is an object with no string or number value, which tfjs cannot read");
    const index = siamese();
    layerNamed(index, 'difference').inbound_nodes[0] = [['shared', poison, 0, {}]];
    expect(kerasLayerGraphProblem(index)).toBe('the model: layer "difference": the node index of an input is an object with no string or number value, which tfjs cannot read');
    const input = siamese();
    layerNamed(input, 'difference').inbound_nodes[0] = [[[poison], 0, 0, {}]];
    expect(kerasLayerGraphProblem(input)).toBe('the model: layer "difference": the name of an input is an object with no string or number value, which tfjs cannot read');
  });

  it('a chain of 50,000 layers listed last to first (tfjs wires one per pass over them), in one pass over the inputs', () => {
    const n = 50_000;
    const chain = Array.from({ length: n }, (_, k) => ({ class_name: 'Dense', name: `d${k}`, config: { name: `d${k}` }, inbound_nodes: k === 0 ? [] : [[[`d${k - 1}`, 0, 0, {}]]] })).reverse();
    chain[n - 1] = { class_name: 'InputLayer', name: 'd0', config: { name: 'd0' }, inbound_nodes: [] };
    expect(kerasLayerGraphProblem({ class_name: 'Functional', config: { layers: chain } })).toBeUndefined();
    chain[0].inbound_nodes = [[[`d${n - 2}`, 1, 0, {}]]];
    expect(kerasLayerGraphProblem({ class_name: 'Functional', config: { layers: chain } })).toMatch(new RegExp(`layer "d${n - 1}" takes an input from "d${n - 2}": a call \\(node 1\\)`));
  });
});
