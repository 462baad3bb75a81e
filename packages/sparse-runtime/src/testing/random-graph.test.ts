import { describe, expect, it } from 'vitest';
import { planModel } from '../model/plan.js';
import { conformanceCases } from './cases.js';
import { randomGraph } from './random-graph.js';

describe('randomGraph', () => {
  it('is deterministic in its seed', () => {
    expect(randomGraph(3004)).toEqual(randomGraph(3004));
  });

  it('covers, over the conformance suite\'s graphs, every structure the suite promises', () => {
    const seen = new Set<string>();
    for (const c of conformanceCases(0).filter((c) => c.name.startsWith('random graph'))) {
      const cm = c.model();
      const [h, w] = cm.inputShape;
      if (h % 2 === 1 || w % 2 === 1) seen.add('odd spatial size');
      for (const t of cm.tensors.values()) seen.add(`layout ${t.layout}`);
      for (const l of cm.layers) {
        const k = l.config;
        if (k.kind === 'add') seen.add('residual add');
        if (k.kind === 'prelu') seen.add(k.sharedAxes ? 'prelu per channel' : 'prelu per element');
        if (k.kind === 'dot') seen.add(`dot axes ${k.axes.join(',')}${k.normalize ? ' normalized' : ''}`);
        if (k.kind === 'concatenate') seen.add('dense-block concatenation');
        if (['multiply', 'maximum', 'minimum', 'subtract', 'average'].includes(k.kind)) seen.add('other merge');
        if (k.kind === 'depthwiseConv2d') seen.add(`depthwise multiplier ${k.depthMultiplier}`);
        if ((k.kind === 'conv2d' || k.kind === 'depthwiseConv2d') && k.dilationRate) seen.add('dilation 2');
        if (k.kind === 'conv2d' || k.kind === 'depthwiseConv2d' || k.kind === 'maxPool2d' || k.kind === 'avgPool2d') seen.add(`${k.padding} stride ${k.strides[0]}`);
      }
      for (const s of planModel(cm).steps) {
        if (s.nodes.length === 2) seen.add('folded batch norm');
        if (s.kind === 'batchNorm') seen.add('unfolded batch norm');
        if (s.kind === 'depthwiseConv2d' && s.inputs[0] !== 0) seen.add('separable (depthwise inside the graph)');
      }
    }
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'odd spatial size', 'residual add', 'dense-block concatenation', 'other merge', 'depthwise multiplier 1', 'depthwise multiplier 2',
        'dilation 2', 'same stride 1', 'same stride 2', 'valid stride 1', 'valid stride 2', 'folded batch norm', 'unfolded batch norm',
        'layout sparse-coded', 'layout dense-coded', 'layout sparse', 'layout dense',
        'prelu per channel', 'prelu per element', 'dot axes 2,2', 'dot axes 2,2 normalized', 'dot axes 2,1',
      ]),
    );
  });
});
