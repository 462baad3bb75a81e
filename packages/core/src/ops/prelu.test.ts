import { describe, expect, it } from 'vitest';
import { decodeContainer, readContainerHeader } from '../container/decode.js';
import { encodeContainer } from '../container/encode.js';
import type { LayerConfig, Model } from '../ir/model.js';
import { thrownError } from '../testing/error-code.js';
import { withRandomParams } from '../testing/random-params.js';
import { requiredOpset } from './opset.js';
import { preluAlphaShape } from './prelu.js';
import { validateModel } from './validate-model.js';

/** A conv output, a PReLU on it (`config`), then a dense head: `alpha` filled to fit. */
function preluModel(prelu: Record<string, unknown>): Model {
  return withRandomParams({
    name: 'prelu',
    inputShape: [4, 5, 3],
    layers: [
      { name: 'conv', config: { kind: 'conv2d', filters: 6, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'linear', useBias: true } },
      { name: 'prelu', config: prelu as unknown as LayerConfig },
      { name: 'flat', config: { kind: 'flatten' } },
      { name: 'fc', config: { kind: 'dense', units: 4, activation: 'softmax', useBias: true } },
    ],
  });
}

describe('the prelu op', () => {
  it('holds alpha shaped as the input with 1 on each shared axis (counted with batch as 0), as tfjs builds it', () => {
    const alphaOf = (c: Record<string, unknown>) => validateModel(preluModel(c)).nodes.find((n) => n.name === 'prelu')!.params;
    expect(alphaOf({ kind: 'prelu', sharedAxes: [1, 2] })).toEqual({ alpha: [1, 1, 6] });
    expect(alphaOf({ kind: 'prelu', sharedAxes: [2] })).toEqual({ alpha: [4, 1, 6] });
    expect(alphaOf({ kind: 'prelu' })).toEqual({ alpha: [4, 5, 6] });
    expect(preluAlphaShape([16])).toEqual([16]);
    expect(preluAlphaShape([8, 16], [1])).toEqual([1, 16]);
    expect(validateModel(preluModel({ kind: 'prelu', sharedAxes: [1, 2] })).nodes[1].outputShape).toEqual([4, 5, 6]);
  });

  it('needs op set 3', () => {
    expect(requiredOpset({ layers: [{ name: 'p', config: { kind: 'prelu' } }] })).toBe(3);
    expect(requiredOpset({ layers: [{ name: 'p', config: { kind: 'prelu', sharedAxes: [1] } }] })).toBe(3);
  });

  it.each([
    ['an axis past the input', { kind: 'prelu', sharedAxes: [1, 4] }, 'sharedAxes [4] are not non-batch axes of a rank-4 input'],
    ['the batch axis', { kind: 'prelu', sharedAxes: [0] }, 'sharedAxes[0]'],
    ['axes out of order', { kind: 'prelu', sharedAxes: [2, 1] }, 'must be strictly increasing'],
    ['a repeated axis', { kind: 'prelu', sharedAxes: [1, 1] }, 'must be strictly increasing'],
    ['an empty list', { kind: 'prelu', sharedAxes: [] }, 'must be an array of 1 to 8 integers'],
    ['a single number', { kind: 'prelu', sharedAxes: 1 }, 'must be an array of 1 to 8 integers'],
    ['an unknown field', { kind: 'prelu', alpha: 0.25 }, 'unknown field "alpha"'],
  ])('refuses %s with INVALID_MODEL naming the node', (_, config, fragment) => {
    const good = preluModel({ kind: 'prelu' });
    const bad = { ...good, layers: good.layers.map((l) => (l.name === 'prelu' ? { ...l, config: config as unknown as LayerConfig } : l)) };
    const e = thrownError(() => validateModel(bad));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toContain('"prelu"');
    expect(e.message).toContain(fragment);
  });

  it('refuses an alpha of another shape or with non-finite values', () => {
    const m = preluModel({ kind: 'prelu', sharedAxes: [1, 2] });
    const swap = (alpha: { shape: number[]; values: Float32Array }) => ({ ...m, layers: m.layers.map((l) => (l.name === 'prelu' ? { ...l, params: { alpha } } : l)) });
    expect(thrownError(() => validateModel(swap({ shape: [6], values: new Float32Array(6) }))).message).toContain('[6]');
    expect(thrownError(() => validateModel(swap({ shape: [1, 1, 6], values: Float32Array.of(0.25, 0, 0, 0, 0, Infinity) }))).message).toContain('non-finite');
    const { alpha: _alpha, ...none } = m.layers[1].params;
    expect(thrownError(() => validateModel({ ...m, layers: m.layers.map((l) => (l.name === 'prelu' ? { ...l, params: none } : l)) })).code).toBe('INVALID_MODEL');
  });

  it('is written to a .dcm file with op set 3 and alpha stored exactly, JSON and compact headers alike', () => {
    const model = preluModel({ kind: 'prelu', sharedAxes: [1, 2] });
    const alpha = model.layers[1].params.alpha!;
    for (const header of ['json', 'compact'] as const) {
      const { bytes } = encodeContainer({ model, codebooks: new Map() }, { header });
      expect(readContainerHeader(bytes).opset).toBe(3);
      expect(readContainerHeader(bytes).model.layers[1].config).toEqual({ kind: 'prelu', sharedAxes: [1, 2] });
      const t = decodeContainer(bytes).tensors.get('prelu/alpha')!;
      expect(t.layout === 'dense' && { shape: t.shape, values: t.values }).toEqual({ shape: [1, 1, 6], values: alpha.values });
    }
  });
});
