/** Models and a stand-in validation accuracy for the planner's tests. */
import { createRandom } from '@dc/core';
import type { Layer, Model, Tensor, TrainingService } from '@dc/core';

function tensor(shape: number[], seed: number): Tensor {
  const r = createRandom(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = (r.next() + r.next() + r.next() - 1.5) * 0.2;
  return { shape, values };
}

/** An MLP 96 → 48 → 10: `big` holds most of the weights, `out` few. */
export function mlp(): Model {
  return {
    name: 'mlp',
    inputShape: [96],
    layers: [
      { name: 'big', config: { kind: 'dense', units: 48, activation: 'relu', useBias: true }, params: { kernel: tensor([96, 48], 1), bias: tensor([48], 2) } },
      { name: 'out', config: { kind: 'dense', units: 10, activation: 'softmax', useBias: true }, params: { kernel: tensor([48, 10], 3), bias: tensor([10], 4) } },
    ],
  };
}

/** {@link mlp} with `big` linear and a batch norm after it (what a fold takes into `big`). */
export function mlpWithBatchNorm(): Model {
  const [big, out] = mlp().layers;
  const bn: Layer = { name: 'bn', config: { kind: 'batchNorm', epsilon: 1e-3, center: true, scale: true }, params: { gamma: tensor([48], 5), beta: tensor([48], 6), movingMean: tensor([48], 7), movingVariance: { shape: [48], values: new Float32Array(48).fill(0.5) } } };
  const linear: Layer = { name: 'big', config: { kind: 'dense', units: 48, activation: 'linear', useBias: true }, params: big.params };
  return { name: 'mlp-bn', inputShape: [96], layers: [linear, bn, out] };
}

/**
 * A stand-in validation accuracy: 1 − Σ weight × relative squared error of each kernel against the
 * original, so pruning and coarse codes both cost, and `out` is 20× as sensitive as `big`. A pruned
 * weight's error counts `prunedShare` of itself (below 1: as if retraining had recovered the rest).
 */
export function fakeAccuracy(original: Model, prunedShare = 1) {
  const sensitivity: Record<string, number> = { big: 0.05, out: 1 };
  return (m: Model) => {
    let drop = 0;
    for (const layer of m.layers) {
      const k = layer.params.kernel;
      if (!k) continue;
      const o = original.layers.find((l) => l.name === layer.name)!.params.kernel!.values;
      let se = 0;
      let ss = 0;
      for (let i = 0; i < o.length; i++) { se += (k.values[i] - o[i]) ** 2 * (k.values[i] === 0 ? prunedShare : 1); ss += o[i] ** 2; }
      drop += sensitivity[layer.name] * (se / ss);
    }
    return 1 - drop;
  };
}

/**
 * A stand-in validation loss of a model trained on targets: {@link BASELINE_LOSS} × (1 + the drop
 * of `accuracy`), so its relative increases are exactly the accuracy's drops.
 */
export const fakeLoss = (accuracy: (m: Model) => number) => (m: Model) => BASELINE_LOSS * (2 - accuracy(m));
/** The unchanged model's {@link fakeLoss}. */
export const BASELINE_LOSS = 0.25;

/**
 * A training service that trains nothing and evaluates with {@link fakeAccuracy} at `prunedShare`:
 * the recovery probes' stand-in, counting its fine-tuning runs.
 */
export function recoveringTrainer(original: Model, prunedShare: number): TrainingService & { readonly runs: { epochs: number; learningRate: number }[] } {
  const accuracy = fakeAccuracy(original, prunedShare);
  const runs: { epochs: number; learningRate: number }[] = [];
  return {
    backend: 'none',
    runs,
    fineTune: async (model, o) => {
      runs.push({ epochs: o.epochs, learningRate: o.learningRate });
      return { model, epochs: [] };
    },
    evaluate: async (model) => ({ accuracy: accuracy(model), loss: fakeLoss(accuracy)(model), examples: 1 }),
  };
}
