import { describe, expect, it } from 'vitest';
import { toDenseModel } from '../compressed.js';
import { listParams } from '../ir/params.js';
import { thrownErrorCode as codeOf } from '../testing/error-code.js';
import { tinyConvModel, tinyGraphModel } from '../testing/fixtures.js';
import { decodeContainer, readContainerHeader } from './decode.js';
import { encodeContainer } from './encode.js';
import { frame, layoutSections } from './framing.js';

/** A file of `model`, with its header and sections for re-framing. */
function fileOf(model = tinyGraphModel()) {
  const enc = encodeContainer({ model });
  return { model, bytes: enc.bytes, header: enc.header, sections: enc.tensors.flatMap((t) => t.streams.map((s) => s.data)) };
}

/** Re-frames a (modified) header with valid checksums, so only the semantic checks can catch it. */
function reframe(header: unknown, sections: Uint8Array[], version?: number): Uint8Array {
  const { offsets, length } = layoutSections(sections.map((s) => s.length));
  return frame(JSON.stringify(header), sections, offsets, length, version);
}

type Json = Record<string, never> & { [k: string]: unknown };

describe('format v2: graphs, op sets and preprocessing', () => {
  it('round-trips a graph with batch norm, depthwise, merges and a preprocessing record exactly', () => {
    const model = { ...tinyGraphModel(), preprocessing: { scale: [1 / 255], offset: [0] } };
    const { bytes, header } = fileOf(model);
    expect(header.opset).toBe(2);
    const back = toDenseModel(decodeContainer(bytes));
    expect(back.inputName).toBe('image');
    expect(back.preprocessing).toEqual({ scale: [1 / 255], offset: [0] });
    expect(back.layers.map((l) => [l.name, l.config, l.inputs])).toEqual(model.layers.map((l) => [l.name, l.config, l.inputs]));
    for (const ref of listParams(model)) expect(back.layers[ref.layerIndex].params[ref.param]!.values).toEqual(ref.tensor.values);
  });

  it('round-trips the loss a model was trained with, in the JSON and the compact header; a malformed record is BAD_HEADER', () => {
    const training = { loss: 'huber' as const, huberDelta: 0.5 };
    const model = { ...tinyConvModel(), training };
    for (const header of ['json', 'compact'] as const) expect(decodeContainer(encodeContainer({ model }, { header }).bytes).training).toEqual(training);
    expect(decodeContainer(fileOf(tinyConvModel()).bytes).training).toBeUndefined();
    const { header, sections } = fileOf(model);
    expect(header.opset).toBe(1);
    const forged = (record: unknown) => reframe({ ...header, model: { ...header.model, training: record } }, sections);
    expect(decodeContainer(forged({ loss: 'binaryCrossentropy', fromLogits: true })).training).toEqual({ loss: 'binaryCrossentropy', fromLogits: true });
    for (const record of [{ loss: 'focal' }, { loss: 'mse' }, { loss: 'huber', huberDelta: 0 }, { loss: 'huber', huberDelta: 1e7 }, { loss: 'poisson', huberDelta: 1 }, { loss: 'hinge', fromLogits: 1 }, { loss: 'hinge', weights: [1] }, 'hinge', null]) {
      expect(codeOf(() => decodeContainer(forged(record)))).toBe('BAD_HEADER');
    }
  });

  it('records the lowest op set a model needs: a v1-only model is op set 1', () => {
    expect(fileOf(tinyConvModel()).header.opset).toBe(1);
  });

  it('refuses what the declared op set lacks, and an op set from the future', () => {
    const { header, sections } = fileOf();
    expect(codeOf(() => decodeContainer(reframe({ ...header, opset: 1 }, sections)))).toBe('BAD_HEADER');
    expect(codeOf(() => decodeContainer(reframe({ ...header, opset: 9 }, sections)))).toBe('UNSUPPORTED_VERSION');
    const v1 = fileOf(tinyConvModel());
    const relu6 = structuredClone(v1.header) as unknown as { model: { layers: { config: Json }[] } };
    relu6.model.layers[0].config.activation = 'relu6' as never;
    expect(codeOf(() => decodeContainer(reframe(relu6, v1.sections)))).toBe('BAD_HEADER');
    const { opset: _opset, ...noOpset } = v1.header;
    expect(readContainerHeader(reframe(noOpset, v1.sections, 1)).opset).toBe(1); // a v1 file has no opset: op set 1
    expect(codeOf(() => readContainerHeader(reframe(v1.header, v1.sections, 1)))).toBe('BAD_HEADER'); // and may not claim one
  });

  it('op set 3: a rescale node (Rescaling) round-trips, needs op set 3, and its numbers are bounded', () => {
    const conv = tinyConvModel();
    const model = { ...conv, layers: [{ name: 'rescale', config: { kind: 'rescale' as const, scale: 1 / 255, offset: -0.5 }, params: {} }, ...conv.layers] };
    const { bytes, header, sections } = fileOf(model);
    expect(header.opset).toBe(3);
    expect(toDenseModel(decodeContainer(bytes)).layers[0].config).toEqual({ kind: 'rescale', scale: 1 / 255, offset: -0.5 });
    expect(codeOf(() => decodeContainer(reframe({ ...header, opset: 2 }, sections)))).toBe('BAD_HEADER');
    const huge = structuredClone(header) as unknown as { model: { layers: { config: Json }[] } };
    huge.model.layers[0].config.scale = 1e9 as never;
    expect(codeOf(() => decodeContainer(reframe(huge, sections)))).toBe('BAD_HEADER');
  });

  it('refuses tensors that do not match the nodes: missing, extra, or of the wrong shape', () => {
    const { header, sections } = fileOf(tinyConvModel());
    const without = { ...header, tensors: header.tensors.filter((t) => t.key !== 'conv1/bias') };
    expect(codeOf(() => readContainerHeader(reframe(without, sections)))).toBe('BAD_HEADER');
    const useBiasOff = structuredClone(header) as unknown as { model: { layers: { config: Json }[] } };
    useBiasOff.model.layers[0].config.useBias = false as never;
    expect(codeOf(() => readContainerHeader(reframe(useBiasOff, sections)))).toBe('BAD_HEADER');
    const reshaped = structuredClone(header) as unknown as { tensors: { shape: number[] }[] };
    reshaped.tensors[0].shape = [3, 3, 1, 2, 2];
    expect(codeOf(() => readContainerHeader(reframe(reshaped, sections)))).toBe('BAD_HEADER');
  });

  it('ignores unknown top-level members but refuses unknown fields in the model part, and a bad preprocessing record', () => {
    const { header, sections } = fileOf();
    expect(readContainerHeader(reframe({ ...header, extra: 1 }, sections)).opset).toBe(2);
    expect(codeOf(() => readContainerHeader(reframe({ ...header, model: { ...header.model, extra: 1 } }, sections)))).toBe('BAD_HEADER');
    const pre = (p: unknown) => reframe({ ...header, model: { ...header.model, preprocessing: p } }, sections);
    expect(readContainerHeader(pre({ scale: [1, 2, 3], offset: [0, 0, 0] })).model.preprocessing).toEqual({ scale: [1, 2, 3], offset: [0, 0, 0] });
    expect(codeOf(() => readContainerHeader(pre({ scale: [1, 2], offset: [0, 0] })))).toBe('BAD_HEADER');
    expect(codeOf(() => readContainerHeader(pre({ scale: ['x'], offset: [0] })))).toBe('BAD_HEADER');
  });
});
