import { describe, expect, it } from 'vitest';
import { thrownError as thrown } from '../testing/error-code.js';
import { tinyConvModel } from '../testing/fixtures.js';
import { assertLayerNames, layerReferences } from './layer-names.js';


describe('assertLayerNames', () => {
  const model = tinyConvModel();
  const rules = { stage: 'test:stage', accepts: (l: { config: { kind: string } }) => l.config.kind === 'conv2d' || l.config.kind === 'dense' };

  it('gives the references of name lists and per-layer records (without the wildcard)', () => {
    expect(layerReferences('exclude', ['a', 'b'])).toEqual([{ option: 'exclude', name: 'a' }, { option: 'exclude', name: 'b' }]);
    expect(layerReferences('sparsity', { ip1: 0.9, '*': 0.5 }, '*')).toEqual([{ option: 'sparsity.ip1', name: 'ip1' }]);
    expect(layerReferences('sparsity', 0.5)).toEqual([]);
    expect(layerReferences('layers', undefined)).toEqual([]);
  });

  it('rejects a name the model lacks with UNKNOWN_LAYER, naming the option and listing the valid names', () => {
    const e = thrown(() => assertLayerNames(model, layerReferences('layerBits', { conv1: 4, nosuch: 4 }), rules));
    expect(e).toMatchObject({ code: 'UNKNOWN_LAYER', option: 'layerBits.nosuch', tensor: 'nosuch', stage: 'test:stage' });
    expect(e.message).toContain('(valid: conv1, fc)');
    expect(e.hint).toContain('conv1, fc');
  });

  it('rejects a layer the option cannot apply to with INVALID_OPTION', () => {
    const e = thrown(() => assertLayerNames(model, layerReferences('layers', ['pool1']), rules));
    expect(e).toMatchObject({ code: 'INVALID_OPTION', option: 'layers', tensor: 'pool1' });
    expect(e.message).toContain('maxPool2d');
  });

  it('accepts parameter keys of accepted layers only when asked', () => {
    const keys = layerReferences('exclude', ['fc/bias', 'conv1']);
    expect(() => assertLayerNames(model, keys, { ...rules, paramKeys: true })).not.toThrow();
    expect(thrown(() => assertLayerNames(model, keys, rules)).code).toBe('UNKNOWN_LAYER');
    const e = thrown(() => assertLayerNames(model, layerReferences('exclude', ['fc/gamma']), { ...rules, paramKeys: true }));
    expect(e.code).toBe('UNKNOWN_LAYER');
    expect(e.message).toContain('conv1, fc, conv1/kernel, conv1/bias, fc/kernel, fc/bias');
  });
});
