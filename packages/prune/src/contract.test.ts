import { runStageContract, tinyConvModel, tinyDenseModel } from '@dc/core/testing';
import { pruneLowMagnitude } from './prune-low-magnitude.js';
import { createFakeTrainer } from './test/fake-trainer.js';

runStageContract('dc:prune (per-layer sparsity)', () => pruneLowMagnitude({ sparsity: { fc1: 0.9, fc2: 0.5 } }), () => ({ model: tinyDenseModel() }));
runStageContract('dc:prune (std rule, conv)', () => pruneLowMagnitude({ quality: 1 }), () => ({ model: tinyConvModel() }));
runStageContract('dc:prune (global, on earlier masks)', () => pruneLowMagnitude({ globalSparsity: 0.8, pruneBiases: true }), () => ({
  model: tinyDenseModel(),
  artifacts: { 'prune/masks': new Map([['fc2/kernel', new Uint8Array(320).fill(1).fill(0, 0, 100)]]) },
}));
runStageContract(
  'dc:prune (iterative, retrained)',
  () => pruneLowMagnitude({ sparsity: 0.7, rounds: 2, schedule: { kind: 'polynomial' }, retrain: { epochs: 1, learningRate: 0.01 } }),
  () => ({ model: tinyDenseModel(), trainer: createFakeTrainer({ steps: 2 }) }),
);
