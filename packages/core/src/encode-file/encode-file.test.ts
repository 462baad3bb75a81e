import { describe, expect, it } from 'vitest';
import { decodeContainer } from '../container/decode.js';
import { createPipeline } from '../pipeline/pipeline.js';
import { constantCoder } from '../testing/constant-coder.js';
import { thrownErrorCode } from '../testing/error-code.js';
import { readPreamble } from '../container/framing.js';
import { seededModel } from '../container/seeded-file.test-support.js';
import { densify } from '../compressed.js';
import { clusteredTinyModel, tinyConvModel } from '../testing/fixtures.js';
import { runStageContract } from '../testing/stage-contract.js';
import { encodeFile } from './encode-file.js';

runStageContract('dc:encode (clustered, a plug-in coder)', () => encodeFile({ coders: [constantCoder] }), () => {
  const { model, codebooks } = clusteredTinyModel();
  return { model, artifacts: { 'quantize/codebooks': codebooks } };
});
runStageContract('dc:encode (dense conv model, no coder, float16)', () => encodeFile({ floatFormat: 'float16', layout: 'sparse' }), () => ({ model: tinyConvModel() }));

describe('encodeFile', () => {
  it('writes with the smallest of raw and the coders, records them by name, and reports where the bytes go', async () => {
    const { model, codebooks } = clusteredTinyModel();
    const result = await createPipeline().use(encodeFile({ coders: [constantCoder] })).run(model, { artifacts: { 'quantize/codebooks': codebooks } });
    const file = result.artifacts['encode/file']!;
    const decoded = decodeContainer(file.bytes, { decoders: [constantCoder] });
    expect(decoded.stages).toEqual([{ name: 'dc:encode', options: { coders: ['test-constant'], gapBits: 'auto', layout: 'auto', floatFormat: 'float32', codebookFormat: 'float32', order: 'auto', header: 'json', provenance: true } }]);
    const m = result.report.stages[0].metrics as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(m.fileBytes).toBe(file.bytes.length);
    expect(m.fixedFileBytes).toBeGreaterThan(m.fileBytes);
    expect(m.codingSaving).toBeGreaterThan(0);
    const gaps = m.streams.find((s: { role: string }) => s.role === 'gaps');
    expect(gaps).toMatchObject({ tensor: 'fc1/kernel', encoding: 'test-constant', bytes: 4, tableBytes: 3, entropy: 0 });
    const s = m.sections;
    expect(s.header + s.padding + s.codebook + s.codes + s.gaps + s.values).toBe(file.bytes.length);
    expect(m.layers[0]).toMatchObject({ tensor: 'fc1/kernel', layout: 'sparse-coded', encodings: { codebook: 'raw', codes: 'raw', gaps: 'test-constant' } });
    expect(m.layers[0]).toMatchObject({ params: 64 * 32, kept: codebooks.get('fc1/kernel')!.positions.length });
  });

  it('stores codebooks and biases as float16 when asked: half their bytes, values within float16 rounding', async () => {
    const { model, codebooks } = clusteredTinyModel();
    const run = (o: object) => createPipeline().use(encodeFile(o)).run(model, { artifacts: { 'quantize/codebooks': codebooks } });
    const [full, half] = await Promise.all([run({}), run({ floatFormat: 'float16', codebookFormat: 'float16' })]);
    const sections = (r: typeof full) => (r.report.stages[0].metrics as { sections: Record<string, number> }).sections;
    expect(sections(half).codebook).toBe(sections(full).codebook / 2);
    expect(sections(half).values).toBe(sections(full).values / 2);
    const decoded = half.artifacts['encode/file']!.decoded;
    const t = decoded.tensors.get('fc1/kernel')!;
    expect(t.layout === 'sparse-coded' && [...t.codebook]).toEqual([-0.5, -0.25, 0.25, 0.5]); // exact in float16
    const bias = decoded.tensors.get('fc2/bias')!;
    const want = model.layers[1].params.bias!.values;
    expect(bias.layout === 'dense' && [...bias.values].every((v, i) => Math.abs(v - want[i]) <= Math.abs(want[i]) * 2 ** -11)).toBe(true);
    expect(half.model).toEqual(model); // the model itself is not rounded: its codebooks still describe it
  });

  it('stores a kernel by the seed of its prune/connectivity with a compact header (format version 7)', async () => {
    const { model, codebooks, connectivity, c } = seededModel();
    const artifacts = { 'quantize/codebooks': codebooks, 'prune/connectivity': connectivity };
    const result = await createPipeline().use(encodeFile({ header: 'compact' })).run(model, { artifacts });
    const bytes = result.artifacts['encode/file']!.bytes;
    expect(readPreamble(bytes).version).toBe(7);
    const decoded = decodeContainer(bytes);
    expect(decoded.connectivity).toEqual(new Map([['fc1/kernel', c]]));
    expect(densify(decoded.tensors.get('fc1/kernel')!)).toEqual(model.layers[0].params.kernel!.values);
    const m = result.report.stages[0].metrics as { layers: Array<Record<string, unknown>>; sections: { gaps: number } };
    expect(m.layers[0]).toMatchObject({ tensor: 'fc1/kernel', layout: 'sparse-coded', gapBits: null, order: null, indexBits: { coded: 0 } });
    expect(m.sections.gaps).toBe(0);
    const json = await createPipeline().use(encodeFile()).run(model, { artifacts });
    expect(readPreamble(json.artifacts['encode/file']!.bytes).version).toBe(2);
  });

  it('records a preset under its own name and options', async () => {
    const stage = encodeFile({ coders: [constantCoder] }, { name: 'test:preset', options: { level: 1 } });
    expect([stage.name, stage.options]).toEqual(['test:preset', { level: 1 }]);
    const { model, codebooks } = clusteredTinyModel();
    const result = await createPipeline().useAll([stage]).run(model, { artifacts: { 'quantize/codebooks': codebooks } });
    expect(decodeContainer(result.artifacts['encode/file']!.bytes, { decoders: [constantCoder] }).stages).toEqual([{ name: 'test:preset', options: { level: 1 } }]);
  });

  it('rejects bad options with INVALID_OPTION', () => {
    for (const bad of [{ coders: [{ encoding: 'x' }] }, { coders: 'huffman' }, { coders: [constantCoder, constantCoder] }, { gapBits: 0 }, { layout: 'csr' }, { floatFormat: 'bf16' }, { codebookFormat: 'f16' }, { order: 'zigzag' }, { codres: [] }]) {
      expect(thrownErrorCode(() => encodeFile(bad as never))).toBe('INVALID_OPTION');
    }
  });
});
