import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeContainer } from '@dc/core';
import { withRandomParams } from '@dc/core/testing';
import { describe, expect, it } from 'vitest';
import { describeKind, formatInspect, formatTraining, inspectFile } from './inspect.js';

describe('dc inspect: each node\'s kind and what tells it apart', () => {
  it('gives each node\'s config as the file states it, and the table shows activations and their parameters beside the kind', async () => {
    const model = withRandomParams({ name: 'gates', inputShape: [24], layers: [
      { name: 'proj', config: { kind: 'dense', units: 32, activation: 'linear', useBias: true } },
      { name: 'steps', config: { kind: 'reshape', targetShape: [4, 8] } },
      { name: 'gate', config: { kind: 'activation', activation: 'thresholdedRelu', theta: 0.25 } },
      { name: 'drop', config: { kind: 'dropout', rate: 0.3, sharedAxes: [1] } },
      { name: 'attend', config: { kind: 'activation', activation: 'softmax', axis: 1 } },
      { name: 'flat', config: { kind: 'flatten' } },
      { name: 'head', config: { kind: 'dense', units: 3, activation: 'softmax', useBias: true } },
    ] }, 2);
    const path = join(mkdtempSync(join(tmpdir(), 'dc-inspect-')), 'gates.dcm');
    writeFileSync(path, encodeContainer({ model, stages: [{ name: 'test:dense', options: {} }] }).bytes);
    const r = await inspectFile(path);
    expect(r.nodes.map((n) => n.config)).toEqual(model.layers.map(({ config: { kind: _kind, ...rest } }) => rest));
    expect(r.nodes.map(describeKind)).toEqual(['dense', 'reshape', 'activation (thresholdedRelu, theta 0.25)', 'dropout (shared axes [1])', 'activation (softmax, axis 1)', 'flatten', 'dense (softmax)']);
    expect(formatInspect(r)).toContain('activation (thresholdedRelu, theta 0.25)');
  });

  it('names a dropout\'s variant, relu\'s clip and a resize\'s interpolation and size', () => {
    expect(describeKind({ kind: 'resizing', config: { size: [224, 160], interpolation: 'bilinear' } })).toBe('resizing (bilinear to 224 × 160)');
    expect(describeKind({ kind: 'dropout', config: { rate: 0.1, variant: 'gaussianNoise' } })).toBe('dropout (gaussianNoise)');
    expect(describeKind({ kind: 'activation', config: { activation: 'relu', maxValue: 6 } })).toBe('activation (relu, maxValue 6)');
    expect(describeKind({ kind: 'masking', config: { maskValue: -1 } })).toBe('masking (maskValue -1)');
    expect([formatTraining({ loss: 'huber', huberDelta: 0.5 }), formatTraining({ loss: 'binaryCrossentropy', fromLogits: true }), formatTraining(null)]).toEqual(['huber (delta 0.5)', 'binaryCrossentropy (from logits)', 'no loss recorded']);
    expect(describeKind({ kind: 'layerNorm', config: { epsilon: 1e-3, center: true, scale: true, trailingAxes: 3 } })).toBe('layerNorm (trailingAxes 3)');
  });
});
