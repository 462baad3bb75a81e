/**
 * Graphs for what is particular to the WebGPU programs (test-only), beside the conformance
 * suite's op cases: every activation in a block of its own (so each is checked against its own
 * scale, on inputs up to ±40, where f32 overflows or cancels unless the formula avoids it), and
 * merges of more inputs than one program binds, including ones the plan runs in place.
 */
import { withRandomParams } from '@dc/core/testing';
import { NODE_ACTIVATIONS, type CompressedModel, type LayerConfig } from '@dc/core';
import { compressModel } from '../../testing/compress-model.js';
import { GraphBuilder } from '../../testing/graph-builder.js';

function finish(name: string, g: GraphBuilder, seed: number): CompressedModel {
  return compressModel(withRandomParams({ name, inputShape: g.inputShape, layers: g.layers }, seed), { density: 0.6, bits: 5, layouts: ['sparse-coded', 'dense-coded', 'sparse', 'dense'] });
}

/** The activation of each block of {@link activationsModel}'s output, in order. */
export const ACTIVATION_BLOCKS: readonly LayerConfig[] = [
  ...NODE_ACTIVATIONS.map((activation): LayerConfig => ({ kind: 'activation', activation })),
  { kind: 'activation', activation: 'relu', maxValue: 2.5 },
  { kind: 'activation', activation: 'leakyRelu', alpha: 0.1 },
  { kind: 'activation', activation: 'thresholdedRelu', theta: 0.5 },
];

/** Width of each activation's block. */
export const ACTIVATION_BLOCK = 24;

/**
 * Every activation side by side: `x → dense (linear, 24 units, kept whole) → each activation →
 * concatenate`, so output block `i` (24 values) is activation `i` of {@link ACTIVATION_BLOCKS}.
 */
export function activationsModel(seed = 21): CompressedModel {
  const g = new GraphBuilder([16]);
  const pre = g.add('pre', { kind: 'dense', units: ACTIVATION_BLOCK, activation: 'linear', useBias: true }, ['input']);
  g.add('cat', { kind: 'concatenate', axis: -1 }, ACTIVATION_BLOCKS.map((c) => g.add('act', c, [pre])));
  return compressModel(withRandomParams({ name: 'activations', inputShape: g.inputShape, layers: g.layers }, seed), { density: 1, bits: 8, layouts: ['dense'] });
}

/**
 * Merges of 8 and 9 inputs (more than one merge program binds): in input order, with inputs the
 * plan lets the merge write over (a branch no later node reads, late in the list), and the same
 * input twice. (Not a tensor fed twice to one merge and read again later: tfjs's
 * `LayersModel.execute`, the reference, then fails inside tfjs with "Cannot read properties of
 * undefined (reading 'backend')".)
 */
export function wideMergesModel(seed = 22): CompressedModel {
  const g = new GraphBuilder([4, 3, 2]);
  const activations = ['tanh', 'linear', 'relu', 'sigmoid'] as const;
  const branches = Array.from({ length: 8 }, (_, i) => g.add('c', { kind: 'conv2d', filters: 2, kernelSize: [1 + 2 * (i % 2), 1 + 2 * (i % 2)], strides: [1, 1], padding: 'same', activation: activations[i % 4], useBias: true }, ['input']));
  // A branch only the merge reads, so the plan lets the merge write over it.
  const own = (activation: 'relu' | 'sigmoid') => g.add('own', { kind: 'activation', activation }, [branches[0]]);
  const add9 = g.add('add9', { kind: 'add' }, [...branches, own('relu')]);
  const avg8 = g.add('avg8', { kind: 'average' }, [...branches.slice(1).reverse(), own('sigmoid')]);
  const max9 = g.add('max9', { kind: 'maximum' }, [own('relu'), ...branches]);
  const twice = g.add('twice', { kind: 'subtract' }, [max9, max9]);
  // The same input twice, read by nothing later: in place, both operands through the output binding.
  const r = own('sigmoid');
  const square = g.add('square', { kind: 'multiply' }, [r, r]);
  g.add('flat', { kind: 'flatten' }, [g.add('sum', { kind: 'add' }, [add9, avg8, twice, square])]);
  return finish('wide-merges', g, seed);
}
