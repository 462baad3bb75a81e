/** The random-model cases of the conformance suite: each a model and the batch sizes it runs. */
import type { CompressedModel } from '@dc/core';
import { withRandomParams } from '@dc/core/testing';
import { compressModel } from './compress-model.js';
import { mobilenetStyleTopology, resnetStyleTopology, transformerStyleTopology } from './example-topologies.js';
import { opCases } from './op-cases.js';
import { randomGraph } from './random-graph.js';
import { randomLenet5, randomMlp, randomModel } from './random-model.js';

/** One conformance case. */
export interface ConformanceCase {
  readonly name: string;
  readonly model: () => CompressedModel;
  readonly batches: readonly number[];
}

const BATCHES = [1, 2, 3, 5, 8, 16, 17, 31, 64, 100, 257];

/**
 * The cases: every op kind and activation (`opCases`), `graphs` random DAGs (`randomGraph`),
 * `count` random MLPs and convnets each (random sparsity, bits, layouts, shapes), LeNet-sized ones,
 * and the ResNet-style, MobileNet-style and transformer-style example topologies (random parameters, 50 % kept, 4 bits).
 */
export function conformanceCases(count = 10, graphs = 12): ConformanceCase[] {
  const cases: ConformanceCase[] = opCases().map((c) => ({ ...c, batches: [1, 3, 17] }));
  for (let i = 0; i < graphs; i++) cases.push({ name: `random graph #${i}`, model: () => randomGraph(3000 + i), batches: [1, 2 + (i % 4), i % 2 ? 16 : 33] });
  for (let i = 0; i < count; i++) {
    const batches = [1, BATCHES[(i * 7 + 3) % BATCHES.length], i % 3 === 0 ? 257 : BATCHES[(i * 5 + 1) % BATCHES.length]];
    cases.push({ name: `random mlp #${i}`, model: () => randomModel(1000 + i, 'mlp'), batches });
    cases.push({ name: `random conv #${i}`, model: () => randomModel(2000 + i, 'conv'), batches: batches.map((b) => Math.min(b, 64)) });
  }
  cases.push({
    name: 'lenet-300-100 sized, 8% kept, 5 bits',
    model: () => randomMlp({ seed: 7, sizes: [784, 300, 100, 10], density: 0.08, bits: 5 }),
    batches: [1, 257],
  });
  cases.push({ name: 'lenet-5 sized (paper densities)', model: () => randomLenet5(5), batches: [1, 3] });
  cases.push({
    name: 'mixed layouts, 16-bit codes',
    model: () => randomMlp({ seed: 8, sizes: [50, 40, 30, 20, 10], density: 0.5, bits: 12, layout: ['sparse-coded', 'dense-coded', 'sparse', 'dense'] }),
    batches: [1, 9],
  });
  cases.push({ name: 'resnet-style (28×28×1): batch norms, residual adds, a strided projection', model: () => compressModel(withRandomParams(resnetStyleTopology(), 9)), batches: [1, 3] });
  cases.push({ name: 'mobilenet-style (28×28×1): separable blocks, ReLU6, multiplier 2', model: () => compressModel(withRandomParams(mobilenetStyleTopology(), 9)), batches: [1, 3] });
  cases.push({ name: 'transformer-style (28×28×1): a patch stem, 2-head self-attention over 49 positions, layer norms', model: () => compressModel(withRandomParams(transformerStyleTopology(), 9)), batches: [1, 3] });
  return cases;
}
