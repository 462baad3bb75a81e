import { describe, expect, it } from 'vitest';
import { thrownError } from '../testing/error-code.js';
import { joinContainer, splitContainer } from '../testing/forge-container.js';
import { graphAttributeProblem } from './graph-attributes.js';
import { graphNodes } from './graph-nodes.js';
import { decodeGraphModelContainer } from './graph-model-decode.js';
import { encodeGraphModelContainer } from './graph-model-encode.js';

const ints = (...i: Array<number | string>) => ({ list: { i: i.map(String) } });
const text = (s: string) => ({ s: btoa(s) });

/** x → conv (weights w, explicit paddings) → pool → out, as tensorflowjs_converter writes their attributes. */
const graph = () => ({
  node: [
    { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' } } },
    { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } },
    { name: 'conv', op: 'Conv2D', input: ['x', 'w'], attr: { strides: ints(1, 2, 2, 1), dilations: ints(1, 1, 1, 1), padding: text('EXPLICIT'), explicit_paddings: ints(0, 0, 1, 1, 1, 1, 0, 0), data_format: text('NHWC') } },
    { name: 'pool', op: 'MaxPool', input: ['conv'], attr: { ksize: ints(1, 3, 3, 1), strides: ints(1, 2, 2, 1), padding: text('VALID'), explicit_paddings: { list: {} } } },
    { name: 'out', op: 'Identity', input: ['pool'], attr: { T: { type: 'DT_FLOAT' } } },
  ] as Array<{ name: string; op: string; input?: string[]; attr: Record<string, unknown> }>,
});

/** `graph()` with one attribute of node `name` replaced (or deleted, for undefined). */
function withAttr(name: string, key: string, value: unknown) {
  const g = graph();
  const attr = g.node.find((n) => n.name === name)!.attr;
  if (value === undefined) delete attr[key];
  else attr[key] = value;
  return g;
}

describe('graphAttributeProblem: attributes tfjs-converter can read, window geometry TensorFlow takes', () => {
  it('none in what the converter writes (empty lists, 3-D windows, integers as numbers), nor where a window attribute is absent', () => {
    expect(graphAttributeProblem(graph())).toBeUndefined();
    expect(graphAttributeProblem(withAttr('pool', 'ksize', { list: { i: [1, 2, 2, 2, 1] } }))).toBeUndefined();
    expect(graphAttributeProblem(withAttr('conv', 'dilations', undefined))).toBeUndefined();
    // A string as character codes, which tfjs reads too; a shape of unknown rank, or of no dimensions.
    expect(graphAttributeProblem(withAttr('pool', 'padding', { s: [...'SAME'].map((c) => c.charCodeAt(0)) }))).toBeUndefined();
    expect(graphAttributeProblem(withAttr('x', 'shape', { shape: { unknownRank: true } }))).toBeUndefined();
    expect(graphAttributeProblem(withAttr('x', 'shape', { shape: { dim: [{ size: '-1' }, {}] } }))).toBeUndefined();
    // A stride larger than any image is one TensorFlow takes: tfjs computes an empty output.
    expect(graphAttributeProblem(withAttr('conv', 'strides', ints(1, 1e9, 1e9, 1)))).toBeUndefined();
  });

  it('names the node and attribute of a value tfjs cannot read', () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['conv', 'strides', { i: '2' }, 'node "conv" (Conv2D): attribute strides has no `list` (tfjs reads it as a list of integers)'],
      ['pool', 'explicit_paddings', {}, 'node "pool" (MaxPool): attribute explicit_paddings has no `list`'],
      ['x', 'shape', { shape: { dim: 4 } }, 'node "x" (Placeholder): attribute shape has a `shape` whose `dim` is not a list of objects'],
      ['x', 'shape', { shape: { dim: [{ size: '1' }, null] } }, 'attribute shape has a `shape` whose `dim` is not a list of objects'],
      ['x', '_output_shapes', { list: { shape: [{ dim: 'x' }] } }, 'attribute _output_shapes has a `list.shape` entry whose `dim` is not a list of objects'],
      ['conv', 'data_format', 'NHWC', 'node "conv" (Conv2D): attribute data_format is not an object'],
      ['conv', 'data_format', { s: 7 }, 'attribute data_format has an `s` that is neither base64 text nor character codes'],
      ['pool', 'ksize', { list: [1, 2] }, 'node "pool" (MaxPool): attribute ksize has a `list` that is not an object'],
      ['pool', 'ksize', { list: { i: '1,2,2,1' } }, 'attribute ksize has a `list.i` that is not a list'],
      ['out', 'T', { s: Array.from({ length: 200_000 }, () => 65) }, 'attribute T has an `s` that is neither base64 text nor character codes'],
      ['out', 'T', { list: { s: ['%%'] } }, 'node "out" (Identity): attribute T has a `list.s` entry that is neither base64 text nor character codes'],
    ];
    for (const [name, key, value, message] of cases) expect(graphAttributeProblem(withAttr(name, key, value)), `${name}.${key}`).toContain(message);
  });

  it('names a window geometry TensorFlow refuses: a stride, window or dilation below 1 or not one per axis, a negative padding, an unknown padding', () => {
    const window = 'must list 4 (or 5) integers ≥ 1, one per axis';
    const cases: Array<[string, string, unknown, string]> = [
      ['conv', 'strides', ints(1, 0, 0, 1), window],
      ['conv', 'strides', ints(1, -1, -1, 1), window],
      ['conv', 'strides', ints(2), window],
      ['conv', 'strides', ints(1, 'x', 2, 1), window],
      ['conv', 'strides', { list: {} }, window],
      ['conv', 'dilations', ints(1, 0, 0, 1), window],
      ['pool', 'ksize', ints(1, 0, 0, 1), window],
      ['conv', 'rates', ints(1, 0, 1, 1), window],
      ['pool', 'strides', { list: { f: [1, 1.5, 1.5, 1] } }, window],
      ['conv', 'explicit_paddings', ints(0, 0, -1, 1, 1, 1, 0, 0), 'must list 8 (or 10) integers ≥ 0, two per axis, or none'],
      ['conv', 'explicit_paddings', ints(1, 1), 'must list 8 (or 10) integers ≥ 0'],
      ['pool', 'padding', text('same'), 'attribute padding must be one of SAME, VALID, EXPLICIT'],
      ['pool', 'padding', { i: '2' }, 'attribute padding must be one of SAME, VALID, EXPLICIT'],
      ['pool', 'padding', { s: [-1] }, 'attribute padding has an `s` that is neither base64 text nor character codes'],
    ];
    for (const [name, key, value, message] of cases) expect(graphAttributeProblem(withAttr(name, key, value)), `${name}.${key} ${JSON.stringify(value)}`).toContain(message);
  });

  it("checks the library functions' nodes too, and leaves what is not a node list to the checks that refuse it", () => {
    const fn = { node: [], library: { function: [{ nodeDef: [{ name: 'f/pool', op: 'AvgPool', attr: { ksize: ints(1, 0, 0, 1) } }] }] } };
    expect(graphAttributeProblem(fn)).toContain('node "f/pool" (AvgPool): attribute ksize');
    expect(graphNodes(fn).map((n) => n.name)).toEqual(['f/pool']);
    for (const odd of [null, 'x', {}, { node: 'x' }, { node: [null, 3, { op: 'Const' }, { name: 'a', attr: 'x' }] }]) expect(graphAttributeProblem(odd)).toBeUndefined();
  });

  it('a file whose attributes tfjs cannot read is BAD_HEADER when read, and refused when written', () => {
    const weight = { name: 'w', dtype: 'float32' as const, shape: [2], values: Float32Array.of(1, 2) };
    const record = { format: 'graph-model' as const, modelTopology: graph() };
    const bytes = encodeGraphModelContainer({ graph: record, weights: [weight] }).bytes;
    const { version, header, data } = splitContainer(bytes);
    const forged = structuredClone(header) as { graph: typeof record };
    forged.graph.modelTopology.node[3].attr.ksize = ints(1, 0, 0, 1);
    const read = thrownError(() => decodeGraphModelContainer(joinContainer(JSON.stringify(forged), data, { version })));
    expect([read.code, read.message]).toEqual(['BAD_HEADER', expect.stringContaining('node "pool" (MaxPool): attribute ksize must list 4 (or 5) integers ≥ 1')]);
    const written = thrownError(() => encodeGraphModelContainer({ graph: forged.graph, weights: [weight] }));
    expect([written.code, written.message]).toEqual(['INVALID_MODEL', expect.stringContaining('attribute ksize must list')]);
  });
});
