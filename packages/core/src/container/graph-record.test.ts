import { describe, expect, it } from 'vitest';
import { graphRecordProblem } from './graph-record.js';

/** A lookup model as the converter writes one: a table filled by its initializer graph, found through its signature. */
const record = () => ({
  modelTopology: { node: [{ name: 'words', op: 'Placeholder' }, { name: 'table', op: 'HashTableV2' }, { name: 'ids', op: 'LookupTableFindV2', input: ['table', 'words', 'default'] }, { name: 'default', op: 'Const' }] },
  signature: { inputs: { words: { name: 'words:0' } }, outputs: { ids: { name: 'ids:0' } } },
  modelInitializer: { node: [{ name: 'keys', op: 'Const' }, { name: 'values', op: 'Const' }, { name: 'table', op: 'HashTableV2' }, { name: 'init', op: 'LookupTableImportV2', input: ['table', 'keys', 'values'] }] },
  initializerSignature: { outputs: { 'table:0': { name: 'table:0', resourceId: 1 } } },
});

describe("graphRecordProblem: a GraphModel record's graphs as tfjs-converter maps them", () => {
  it('none for a model with a table initializer, or without one', () => {
    expect(graphRecordProblem(record())).toBeUndefined();
    const { modelInitializer: _i, initializerSignature: _s, ...plain } = record();
    expect(graphRecordProblem(plain)).toBeUndefined();
  });

  it('none for an initializer whose node list is absent or null, whatever else it holds: tfjs-converter maps no such initializer', () => {
    const library = { function: [{ nodeDef: [{ name: 'keys', op: 'Const', attr: { dtype: 'DT_STRING' } }] }] };
    for (const modelInitializer of [{}, { node: null, library }, { library }]) {
      expect(graphRecordProblem({ ...record(), modelInitializer })).toBeUndefined();
    }
    expect(graphRecordProblem({ ...record(), modelInitializer: { node: [], library } })).toBe('modelInitializer: node "keys" (Const): attribute dtype is not an object');
  });

  it("checks the topology's edges, attributes and signature, then the initializer's, then the initializer signature", () => {
    const dangling = record();
    dangling.modelTopology.node[2].input = ['table', 'word'];
    expect(graphRecordProblem(dangling)).toBe('node "ids" takes input "word", which names no node of the graph');
    const initializer = record();
    initializer.modelInitializer.node[3].input = ['table', 'keys', 'gone'];
    expect(graphRecordProblem(initializer)).toBe('modelInitializer: node "init" takes input "gone", which names no node of the graph');
    const attribute = record();
    Object.assign(attribute.modelInitializer.node[0], { attr: { dtype: 'DT_STRING' } });
    expect(graphRecordProblem(attribute)).toBe('modelInitializer: node "keys" (Const): attribute dtype is not an object');
    const withSignature = (initializerSignature: unknown) => ({ ...record(), initializerSignature });
    expect(graphRecordProblem(withSignature({ outputs: null }))).toBe('initializerSignature.outputs is not an object of tensor infos');
    expect(graphRecordProblem(withSignature({ outputs: { 'table:0': null } }))).toBe('initializerSignature.outputs entry "table:0" is not a tensor info');
    expect(graphRecordProblem(withSignature({ outputs: { 'tabel:0': { resourceId: 1 } } }))).toBe('initializerSignature.outputs entry "tabel:0" is no node of the initializer');
  });
});
