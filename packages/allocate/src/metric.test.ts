import { describe, expect, it } from 'vitest';
import { isDcError } from '@dc/core';
import { huffmanEncode } from '@dc/huffman';
import { BASELINE_LOSS, fakeAccuracy, fakeLoss, mlp, recoveringTrainer } from './plan-fixtures.test-support.js';
import { LOSS_SPARSITY_LEVELS } from './options.js';
import { planAllocation } from './plan-allocation.js';

describe("planAllocation with metric: 'loss' (a model trained on targets)", () => {
  it('prices every cost as a share of the baseline loss: a loss that grows as the accuracy drops plans exactly the accuracy plan', async () => {
    const model = mlp();
    const accuracy = fakeAccuracy(model);
    const sparsityLevels = LOSS_SPARSITY_LEVELS;
    const byAccuracy = await planAllocation(model, { maxErrorIncrease: 0.01, evaluate: accuracy, sparsityLevels });
    const byLoss = await planAllocation(model, { maxErrorIncrease: 0.01, evaluate: fakeLoss(accuracy), metric: 'loss' });
    // A loss is measured at 10%, 20% and 30% too by default.
    expect(byLoss.sensitivity.sparsity.levels).toEqual([...LOSS_SPARSITY_LEVELS]);
    expect([byLoss.sparsity, byLoss.bits]).toEqual([byAccuracy.sparsity, byAccuracy.bits]);
    expect(byLoss.predictedErrorIncrease).toBeCloseTo(byAccuracy.predictedErrorIncrease, 12);
    expect([byAccuracy.metric, byAccuracy.baselineLoss, byLoss.metric, byLoss.baselineLoss]).toEqual(['accuracy', undefined, 'loss', BASELINE_LOSS]);
    // Its reasons speak of the loss.
    expect(byLoss.reasons[0]).toMatch(/^loss budget 1\.00% of predicted validation loss: the smallest file within it; costs are shares of the unchanged model's validation loss 0\.2500;/);
    expect(byLoss.reasons[1]).toMatch(/^big \(4,608 weights\): .* one-shot validation loss \+[\d.]+% of the loss from pruning/);
    expect(byAccuracy.reasons[1]).toMatch(/one-shot validation error \+[\d.]+ pp from pruning/);
  });

  it('lands a size target and scores the recovery probes by their loss', async () => {
    const model = mlp();
    const accuracy = fakeAccuracy(model);
    const writer = () => huffmanEncode();
    const targetRatio = 12;
    const trainer = () => recoveringTrainer(model, 0.1);
    const byAccuracy = await planAllocation(model, { targetRatio, evaluate: accuracy, writer, recovery: { trainer }, sparsityLevels: LOSS_SPARSITY_LEVELS });
    const byLoss = await planAllocation(model, { targetRatio, evaluate: fakeLoss(accuracy), metric: 'loss', writer, recovery: { trainer } });
    expect([byLoss.sparsity, byLoss.bits, byLoss.candidateBytes]).toEqual([byAccuracy.sparsity, byAccuracy.bits, byAccuracy.candidateBytes]);
    const [lossRounds, accuracyRounds] = [byLoss.recovery!.rounds, byAccuracy.recovery!.rounds];
    expect(lossRounds.map((r) => r.probe.jointIncrease)).toEqual(accuracyRounds.map((r) => expect.closeTo(r.probe.jointIncrease, 12)));
    expect(byLoss.recovery!.chosen).toBe(byAccuracy.recovery!.chosen);
    expect(byLoss.reasons.find((l) => l.startsWith('recovery probes:'))).toContain(`validation loss from ${BASELINE_LOSS.toPrecision(4)}`);
  });

  it('refuses a baseline loss it cannot take shares of, and an unknown metric', async () => {
    const model = mlp();
    const zero = await planAllocation(model, { maxErrorIncrease: 0.01, evaluate: () => 0, metric: 'loss' }).catch((e: unknown) => e);
    expect(isDcError(zero) && [zero.code, zero.option, zero.message]).toEqual(['INVALID_OPTION', 'metric', expect.stringContaining("the unchanged model's validation loss is 0")]);
    const unknown = await planAllocation(model, { maxErrorIncrease: 0.01, evaluate: () => 1, metric: 'mse' as 'loss' }).catch((e: unknown) => e);
    expect(isDcError(unknown) && unknown.option).toBe('metric');
  });
});
