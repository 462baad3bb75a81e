import { describe, expect, it } from 'vitest';
import { thrownError } from '../testing/error-code.js';
import { joinContainer, splitContainer } from '../testing/forge-container.js';
import { decodeGraphModelContainer } from './graph-model-decode.js';
import { encodeGraphModelContainer } from './graph-model-encode.js';
import { graphSignatureProblem } from './graph-signature.js';

const topology = () => ({ node: [{ name: 'image', op: 'Placeholder' }, { name: 'w', op: 'Const' }, { name: 'logits', op: 'MatMul', input: ['image', 'w'] }, { name: 'Identity', op: 'Identity', input: ['logits'] }] });
/** A signature as tensorflowjs_converter writes it: keys of its own, names `node:index`. */
const signature = () => ({ inputs: { image: { name: 'image:0', dtype: 'DT_FLOAT' } }, outputs: { scores: { name: 'Identity:0', dtype: 'DT_FLOAT' } } as Record<string, unknown> });

describe("graphSignatureProblem: a GraphModel's signature names nodes of its graph", () => {
  it('none for what the converter writes, a bare node name, no signature, or a side left out', () => {
    expect(graphSignatureProblem(signature(), topology())).toBeUndefined();
    expect(graphSignatureProblem({ outputs: { scores: { name: 'Identity' } } }, topology())).toBeUndefined();
    for (const none of [undefined, null, {}, { inputs: null }]) expect(graphSignatureProblem(none, topology())).toBeUndefined();
  });

  it('names an entry tfjs throws on, or skips without a word (the model then runs and returns nothing)', () => {
    const cases: Array<[unknown, string]> = [
      [{ ...signature(), outputs: { scores: null } }, 'signature.outputs entry "scores" is not a tensor info with a string name'],
      [{ ...signature(), outputs: { scores: { name: 5 } } }, 'signature.outputs entry "scores" is not a tensor info with a string name'],
      [{ ...signature(), outputs: 'Identity' }, 'signature.outputs is not an object of tensor infos'],
      [{ ...signature(), outputs: { scores: { name: 'Identiy:0' } } }, 'signature.outputs entry "scores" names "Identiy:0", which is no node of the graph'],
      [{ ...signature(), inputs: { image: { name: 'img:0' } } }, 'signature.inputs entry "image" names "img:0", which is no node of the graph'],
    ];
    for (const [forged, message] of cases) expect(graphSignatureProblem(forged, topology()), message).toBe(message);
  });

  it('names a library function without the signature tfjs keys it by', () => {
    const withFunctions = { ...topology(), library: { function: [{ signature: { name: 'cond' }, nodeDef: [] }, { nodeDef: [] }] } };
    expect(graphSignatureProblem(undefined, withFunctions)).toBe("library function 1 has no signature (tfjs keys each function by its signature's name)");
  });

  it('a file whose signature names no node is BAD_HEADER when read, and refused when written', () => {
    const weight = { name: 'w', dtype: 'float32' as const, shape: [2, 2], values: Float32Array.of(1, 2, 3, 4) };
    const graph = { format: 'graph-model' as const, modelTopology: topology(), signature: signature() };
    const { version, header, data } = splitContainer(encodeGraphModelContainer({ graph, weights: [weight] }).bytes);
    const forged = structuredClone(header) as { graph: typeof graph };
    forged.graph.signature.outputs = { scores: { name: 'gone:0' } };
    const read = thrownError(() => decodeGraphModelContainer(joinContainer(JSON.stringify(forged), data, { version })));
    expect([read.code, read.message]).toEqual(['BAD_HEADER', expect.stringContaining('signature.outputs entry "scores" names "gone:0", which is no node of the graph')]);
    const written = thrownError(() => encodeGraphModelContainer({ graph: forged.graph, weights: [weight] }));
    expect([written.code, written.message]).toEqual(['INVALID_MODEL', expect.stringContaining('names "gone:0"')]);
  });
});
