import { describe, expect, it } from 'vitest';
import { joinContainer, splitContainer } from '../testing/forge-container.js';
import { thrownError } from '../testing/error-code.js';
import { graphConstProblem } from './graph-consts.js';
import { decodeGraphModelContainer } from './graph-model-decode.js';
import { encodeGraphModelContainer } from './graph-model-encode.js';

/** A `Const` node as tensorflowjs_converter writes it: its type and its value's shape declared. */
const constNode = (name: string, type: string, dims: readonly (number | undefined)[]) => ({
  name,
  op: 'Const',
  attr: { dtype: { type }, value: { tensor: { dtype: type, tensorShape: { dim: dims.map((d) => (d === undefined ? {} : { size: String(d) })) } } } },
});

const kernel = { name: 'conv/kernel', dtype: 'float32' as const, shape: [3, 3, 2, 4], values: Float32Array.from({ length: 72 }, (_, i) => Math.sin(i)) };
const axes = { name: 'pool/axes', dtype: 'int32' as const, shape: [2], values: Int32Array.of(1, 2) };
const topology = (...nodes: object[]) => ({ node: [{ name: 'x', op: 'Placeholder' }, ...nodes] });

describe("a GraphModel's Const nodes against its weights (docs/format.md §9.1)", () => {
  it('accepts what tensorflowjs_converter writes: doubles stored as float32, int64 as int32, unknown (-1) and omitted (0) extents, an unknown rank', () => {
    const specs = [kernel, axes, { name: 'where', dtype: 'int32', shape: [0, 1] }, { name: 'scale', dtype: 'float32', shape: [] }, { name: 'free', dtype: 'float32', shape: [5, 2] }];
    const graph = topology(constNode('conv/kernel', 'DT_FLOAT', [3, 3, 2, 4]), constNode('pool/axes', 'DT_INT64', [2]), constNode('where', 'DT_INT64', [undefined, 1]), constNode('scale', 'DT_DOUBLE', []), constNode('free', 'DT_HALF', [-1, 2]));
    expect(graphConstProblem(graph, specs)).toBeUndefined();
    // Declarations tfjs does not read, absent or not in TensorFlow's JSON form, are not checked.
    const loose = topology({ name: 'conv/kernel', op: 'Const' }, { name: 'pool/axes', op: 'Const', attr: { dtype: { type: 5 }, value: { tensor: { tensorShape: 'x' } } } }, { name: 'free', op: 'Const', attr: { value: { tensor: { tensorShape: { unknownRank: true } } } } });
    expect(graphConstProblem(loose, specs)).toBeUndefined();
    // Nor is an extent that is no string or number (an object Number() cannot convert threw a TypeError).
    const odd = constNode('free', 'DT_HALF', [5, 2]);
    (odd.attr.value.tensor.tensorShape.dim[0] as { size: unknown }).size = { toString: 0, valueOf: 0 };
    expect(graphConstProblem(topology(odd), specs)).toBeUndefined();
  });

  it('names the first Const without a weight, of another dtype family, or of another shape, in the graph or its functions', () => {
    expect(graphConstProblem(topology(constNode('conv/kernel', 'DT_FLOAT', [3, 3, 2, 4]), constNode('gone', 'DT_FLOAT', [4])), [kernel])).toBe(`the graph's Const node "gone" has no weight of its name`);
    const inFunction = { ...topology(), library: { function: [{ nodeDef: [constNode('cond/k', 'DT_FLOAT', [1])] }] } };
    expect(graphConstProblem(inFunction, [])).toBe(`the graph's Const node "cond/k" has no weight of its name`);
    expect(graphConstProblem(topology(constNode('conv/kernel', 'DT_FLOAT', [9, 2, 4])), [kernel])).toBe('Const node "conv/kernel" declares shape [9, 2, 4] and its weight has shape [3, 3, 2, 4]');
    expect(graphConstProblem(topology(constNode('pool/axes', 'DT_FLOAT', [2])), [axes])).toBe('Const node "pool/axes" declares DT_FLOAT, stored as float32, and its weight is int32');
    expect(graphConstProblem(topology(constNode('pool/axes', 'DT_STRING', [2])), [axes])).toBe('Const node "pool/axes" declares DT_STRING, stored as no dtype a GraphModel holds, and its weight is int32');
  });

  it('a file whose graph and weights disagree is BAD_HEADER when read, and refused when written', () => {
    const graph = { format: 'graph-model' as const, modelTopology: topology(constNode('conv/kernel', 'DT_FLOAT', [3, 3, 2, 4]), constNode('pool/axes', 'DT_INT32', [2])) };
    const bytes = encodeGraphModelContainer({ graph, weights: [kernel, axes] }).bytes;
    expect(decodeGraphModelContainer(bytes).tensors.map((t) => t.name)).toEqual(['conv/kernel', 'pool/axes']);
    // The same file with its graph edited (checksums valid again): only the new check stands between it and tfjs.
    const { version, header, data } = splitContainer(bytes);
    const forge = (edit: (nodes: ReturnType<typeof constNode>[]) => void) => {
      const h = structuredClone(header) as { graph: { modelTopology: { node: ReturnType<typeof constNode>[] } } };
      edit(h.graph.modelTopology.node);
      return joinContainer(JSON.stringify(h), data, { version });
    };
    const reshaped = thrownError(() => decodeGraphModelContainer(forge((n) => (n[1].attr.value.tensor.tensorShape.dim = [{ size: '9' }, { size: '2' }, { size: '4' }]))));
    expect([reshaped.code, reshaped.message]).toEqual(['BAD_HEADER', expect.stringContaining('Const node "conv/kernel" declares shape [9, 2, 4]')]);
    const retyped = thrownError(() => decodeGraphModelContainer(forge((n) => (n[2].attr.dtype.type = 'DT_FLOAT'))));
    expect([retyped.code, retyped.message]).toEqual(['BAD_HEADER', expect.stringContaining('"pool/axes" declares DT_FLOAT')]);
    const extra = thrownError(() => decodeGraphModelContainer(forge((n) => void n.push(constNode('orphan', 'DT_FLOAT', [1])))));
    expect([extra.code, extra.message]).toEqual(['BAD_HEADER', expect.stringContaining('"orphan" has no weight')]);
    const written = thrownError(() => encodeGraphModelContainer({ graph, weights: [kernel] }));
    expect([written.code, written.message]).toEqual(['INVALID_MODEL', expect.stringContaining('"pool/axes" has no weight')]);
  });
});
