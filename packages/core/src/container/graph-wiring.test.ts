import { describe, expect, it } from 'vitest';
import { thrownError } from '../testing/error-code.js';
import { joinContainer, splitContainer } from '../testing/forge-container.js';
import { decodeGraphModelContainer } from './graph-model-decode.js';
import { encodeGraphModelContainer } from './graph-model-encode.js';
import { graphWiringProblem } from './graph-wiring.js';

const node = (name: string, op: string, ...input: string[]) => ({ name, op, ...(input.length ? { input } : {}) });

/** x → conv (weights w) → relu → out, with a control input from `x`. */
const chain = () => ({ node: [node('x', 'Placeholder'), node('w', 'Const'), node('conv', 'Conv2D', 'x', 'w:0'), node('relu', 'Relu', 'conv', '^x'), node('out', 'Identity', 'relu')] });

/** A TensorFlow 1 while loop as the converter keeps it: Enter → Merge ← NextIteration, Switch, Exit. */
const loop = () => ({
  node: [
    node('x', 'Placeholder'),
    node('enter', 'Enter', 'x'),
    node('merge', 'Merge', 'enter', 'next'),
    node('cond', 'LoopCond', 'merge'),
    node('switch', 'Switch', 'merge', 'cond'),
    node('body', 'Relu', 'switch:1'),
    node('next', 'NextIteration', 'body'),
    node('exit', 'Exit', 'switch'),
  ],
});

describe('graphWiringProblem: edges tfjs-converter can follow', () => {
  it('none in a chain with control inputs and output indices, or in a while loop closed through NextIteration', () => {
    expect(graphWiringProblem(chain())).toBeUndefined();
    expect(graphWiringProblem(loop())).toBeUndefined();
  });

  it('names an input that names no node, two nodes of one name, a node on a cycle', () => {
    const dangling = chain();
    dangling.node[3] = node('relu', 'Relu', 'conv', '^gone');
    expect(graphWiringProblem(dangling)).toBe('node "relu" takes input "^gone", which names no node of the graph');
    const twice = chain();
    twice.node[4] = node('relu', 'Identity', 'conv');
    expect(graphWiringProblem(twice)).toBe('two nodes of the graph are named "relu"');
    const cycle = chain();
    cycle.node[2] = node('conv', 'Conv2D', 'out', 'w');
    expect(graphWiringProblem(cycle)).toMatch(/^node "(conv|relu|out)" depends on itself through its inputs/);
    const self = chain();
    self.node[3] = node('relu', 'Relu', 'relu');
    expect(graphWiringProblem(self)).toMatch(/^node "relu" depends on itself/);
    // A loop whose back edge skips the NextIteration is a plain cycle.
    const broken = loop();
    broken.node[2] = node('merge', 'Merge', 'enter', 'body');
    expect(graphWiringProblem(broken)).toMatch(/depends on itself/);
  });

  it('leaves what is not a node list to the checks that refuse it', () => {
    for (const odd of [null, 'x', {}, { node: 'x' }, { node: [null, 3, { op: 'Const' }] }]) expect(graphWiringProblem(odd)).toBeUndefined();
  });

  it('a file whose graph tfjs cannot follow is BAD_HEADER when read, and refused when written', () => {
    const weight = { name: 'w', dtype: 'float32' as const, shape: [2], values: Float32Array.of(1, 2) };
    const graph = { format: 'graph-model' as const, modelTopology: chain() };
    const bytes = encodeGraphModelContainer({ graph, weights: [weight] }).bytes;
    const { version, header, data } = splitContainer(bytes);
    const forged = structuredClone(header) as { graph: { modelTopology: ReturnType<typeof chain> } };
    forged.graph.modelTopology.node[2] = node('conv', 'Conv2D', 'out', 'w');
    const read = thrownError(() => decodeGraphModelContainer(joinContainer(JSON.stringify(forged), data, { version })));
    expect([read.code, read.message]).toEqual(['BAD_HEADER', expect.stringContaining('depends on itself through its inputs')]);
    const written = thrownError(() => encodeGraphModelContainer({ graph: forged.graph as typeof graph, weights: [weight] }));
    expect([written.code, written.message]).toEqual(['INVALID_MODEL', expect.stringContaining('depends on itself')]);
  });
});
