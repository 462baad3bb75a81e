import { describe, expect, it } from 'vitest';
import { float32Bytes, isDcError, type Model } from '@dc/core';
import { huffmanEncode } from '@dc/huffman';
import { fakeAccuracy, mlp, recoveringTrainer } from './plan-fixtures.test-support.js';
import { planAllocation } from './plan-allocation.js';
import { budgetThreshold, chooseRound, DEFAULT_BUDGET_RECOVERY_ROUNDS, DEFAULT_RECOVERY_ROUNDS, defaultRecoveryRounds, nextBudgetBytes, nextFactor, RECOVERY_BUDGET_SHRINK, RECOVERY_FACTOR_RANGE, RECOVERY_SCOUT_FACTOR, scaleCurves, type RecoveryRound } from './recovery.js';

const round = (bytes: number, jointIncrease: number): RecoveryRound => ({
  pruningFactor: 1,
  sparsity: {},
  bits: {},
  bytes,
  oneShot: { sparsity: 0, bits: 0 },
  probe: { prunedIncrease: 0, jointIncrease, seconds: 0 },
});

describe('recovery probes', () => {
  it('scales the pruning curves by the factor and leaves the codes\' curves', () => {
    const [c] = scaleCurves([{ layer: 'a', params: 4, sparsity: { levels: [0.5, 0.9], increase: [0.01, 0.1] }, bits: { levels: [8, 2], increase: [0, 0.2] } }], 0.5);
    expect(c.sparsity.increase).toEqual([0.005, 0.05]);
    expect(c.sparsity.levels).toEqual([0.5, 0.9]);
    expect(c.bits).toEqual({ levels: [8, 2], increase: [0, 0.2] });
  });

  it('derives the next factor from what pruning left of its one-shot prediction, within the range', () => {
    expect(nextFactor(0.02, { prunedIncrease: 0.004, jointIncrease: 0.012, seconds: 0 })).toBeCloseTo(0.2, 12);
    // Nothing left: the lowest factor, never zero (pruning still costs a little); more than predicted: up to the highest.
    expect(nextFactor(0.02, { prunedIncrease: 0, jointIncrease: 0.05, seconds: 0 })).toBe(RECOVERY_FACTOR_RANGE[0]);
    expect(nextFactor(0.02, { prunedIncrease: -0.003, jointIncrease: 0, seconds: 0 })).toBe(RECOVERY_FACTOR_RANGE[0]);
    expect(nextFactor(0.001, { prunedIncrease: 0.05, jointIncrease: 0.05, seconds: 0 })).toBe(RECOVERY_FACTOR_RANGE[1]);
    // A plan that prunes nothing measured nothing: pruning's price drops by the scout factor, down to the floor.
    expect(nextFactor(0, { prunedIncrease: 0.01, jointIncrease: 0.01, seconds: 0 })).toBe(RECOVERY_SCOUT_FACTOR);
    expect(nextFactor(0, { prunedIncrease: 0, jointIncrease: 0.01, seconds: 0 }, 0.1)).toBeCloseTo(0.1 * RECOVERY_SCOUT_FACTOR, 12);
    expect(nextFactor(0, { prunedIncrease: 0, jointIncrease: 0.01, seconds: 0 }, 0.01)).toBe(RECOVERY_FACTOR_RANGE[0]);
  });

  it('keeps the least error for a size target and, for a budget, the smallest plan within it or within the one-shot plan\'s probe', () => {
    expect(chooseRound([round(100, 0.02), round(101, 0.01), round(99, 0.015)], undefined)).toBe(1);
    expect(chooseRound([round(100, 0.02), round(101, 0.02)], undefined)).toBe(0);
    // Below the reference counts: the signed increases rank the plans.
    expect(chooseRound([round(100, -0.001), round(100, -0.004)], undefined)).toBe(1);
    expect(chooseRound([round(100, 0.004), round(80, 0.005), round(60, 0.02)], 0.005)).toBe(1);
    expect(chooseRound([round(100, 0.01), round(80, 0.004)], 0.005)).toBe(1);
    expect(chooseRound([round(100, 0.01), round(80, 0.02)], 0.005)).toBe(0);
    // Over the budget but no more than the one-shot plan's probe (which the prediction put within it): as safe, and smaller.
    expect(chooseRound([round(100, 0.01), round(80, 0.009), round(90, 0.004)], 0.005)).toBe(1);
    expect(chooseRound([round(100, 0.01), round(120, 0.004)], 0.005)).toBe(0);
  });

  it('re-plans on what the probes left: pruning that retraining recovers is bought harder, and the best probed plan is kept', async () => {
    const model = mlp();
    const writer = () => huffmanEncode();
    const target = Math.round(float32Bytes(model) / 12);
    const evaluate = fakeAccuracy(model);
    // The probes' retraining leaves a tenth of what pruning cost one-shot, and all of what codes cost.
    const trainer = recoveringTrainer(model, 0.1);
    const oneShot = await planAllocation(model, { targetBytes: target, evaluate, writer });
    const a = await planAllocation(model, { targetBytes: target, evaluate, writer, recovery: { trainer } });
    const r = a.recovery!;
    // The third round's factor (measured at the second plan) is the second's again: it would plan the same, so it stops.
    expect(r.rounds).toHaveLength(2);
    // Round 1 is the one-shot plan, probed; pruning's factor is what its probe measured: a tenth.
    expect(r.rounds[0].sparsity).toEqual(oneShot.sparsity);
    expect(r.rounds[0].pruningFactor).toBe(1);
    expect(r.rounds[1].pruningFactor).toBeCloseTo(0.1, 2);
    // (The one-shot prediction interpolates the measured curve between its levels.)
    expect(r.rounds[0].probe.prunedIncrease).toBeCloseTo(0.1 * r.rounds[0].oneShot.sparsity, 4);
    // Cheaper pruning buys more of it: fewer kept weights, finer codes, less error left.
    const kept = (s: Record<string, number>) => model.layers.reduce((n, l) => n + (1 - s[l.name]) * l.params.kernel!.values.length, 0);
    expect(kept(r.rounds[1].sparsity)).toBeLessThan(kept(r.rounds[0].sparsity));
    expect(r.rounds[1].probe.jointIncrease).toBeLessThan(r.rounds[0].probe.jointIncrease);
    const least = Math.min(...r.rounds.map((x) => x.probe.jointIncrease));
    expect(r.rounds[r.chosen].probe.jointIncrease).toBe(least);
    expect(a.sparsity).toEqual(r.rounds[r.chosen].sparsity);
    expect(a.bits).toEqual(r.rounds[r.chosen].bits);
    // Every round stays at the size target; the layers report one-shot predictions.
    for (const x of r.rounds) expect(Math.abs(x.bytes - target) / target).toBeLessThan(0.05);
    expect(a.predictedErrorIncrease).toBeCloseTo(r.rounds[r.chosen].oneShot.sparsity + r.rounds[r.chosen].oneShot.bits, 12);
    // The reference retrains the unpruned model once (1 epoch at 1e-3); each probe retrains once
    // after pruning (the same) and tunes centroids once (1 epoch at 1e-4).
    expect(trainer.runs).toEqual([{ epochs: 1, learningRate: 1e-3 }, ...Array.from({ length: 2 }, () => [{ epochs: 1, learningRate: 1e-3 }, { epochs: 1, learningRate: 1e-4 }]).flat()]);
    expect(r.reference).toMatchObject({ baseline: 1, retrained: 1 });
    expect(a.reasons.filter((l) => l.startsWith('recovery round'))).toHaveLength(2);
    expect(a.reasons).toContain(a.reasons.find((l) => l.startsWith('recovery probes: their retraining alone takes the unpruned model\'s validation error from 0.00% to 0.00%')));
    expect(a.reasons).toContain(a.reasons.find((l) => l.startsWith(`kept round ${r.chosen + 1} `)));
  });

  it('searches smaller sizes for an accuracy budget, pricing pruning lower after a plan that prunes nothing', async () => {
    const model = mlp();
    const evaluate = fakeAccuracy(model);
    const budget = 0.002;
    // Retraining leaves a fiftieth of pruning's one-shot cost: the one-shot plan, within this budget, prunes nothing.
    const a = await planAllocation(model, { maxErrorIncrease: budget, evaluate, recovery: { trainer: () => recoveringTrainer(model, 0.02) } });
    const rounds = a.recovery!.rounds;
    // A budget's default: the one-shot plan and three rounds (a size target gets two).
    expect(DEFAULT_BUDGET_RECOVERY_ROUNDS).toBe(3);
    expect([defaultRecoveryRounds(true), defaultRecoveryRounds(false)]).toEqual([DEFAULT_BUDGET_RECOVERY_ROUNDS, DEFAULT_RECOVERY_ROUNDS]);
    expect(rounds).toHaveLength(1 + DEFAULT_BUDGET_RECOVERY_ROUNDS);
    const [oneShot, scout, third, fourth] = rounds;
    expect(Object.values(oneShot.sparsity)).toEqual([0, 0]);
    expect(oneShot.pruningFactor).toBe(1);
    expect(oneShot.targetBytes).toBeUndefined();
    // Round 2 prices pruning at a tenth, so it prunes, and plans at three quarters of the one-shot plan's bytes.
    expect(scout.pruningFactor).toBe(RECOVERY_SCOUT_FACTOR);
    expect(scout.sparsity.big).toBeGreaterThan(0);
    expect(scout.targetBytes).toBeCloseTo(RECOVERY_BUDGET_SHRINK * oneShot.bytes, 9);
    // Round 3 plans with the factor round 2's probe measured, at the size the search says next.
    expect(third.pruningFactor).toBe(nextFactor(scout.oneShot.sparsity, scout.probe, scout.pruningFactor));
    expect(third.pruningFactor).toBeLessThan(RECOVERY_SCOUT_FACTOR);
    expect(third.targetBytes).toBe(nextBudgetBytes([oneShot, scout], budget));
    // Round 4 plans at the next size of the search, with the factor round 3's probe measured.
    expect(fourth.targetBytes).toBe(nextBudgetBytes([oneShot, scout, third], budget));
    expect(fourth.pruningFactor).toBe(nextFactor(third.oneShot.sparsity, third.probe, third.pruningFactor));
    // Kept: the smallest plan whose probe stayed within the budget, under half the one-shot plan's bytes.
    const kept = rounds[a.recovery!.chosen];
    expect(kept.probe.jointIncrease).toBeLessThanOrEqual(budget);
    expect(kept.bytes).toBe(Math.min(...rounds.filter((r) => r.probe.jointIncrease <= budget).map((r) => r.bytes)));
    expect(kept.bytes).toBeLessThan(oneShot.bytes / 2);
    // Without a writer the rounds are sized by the analytic kernel bytes.
    expect(kept.bytes).toBeCloseTo(a.predictedKernelBytes, 9);
    expect(a.reasons.find((l) => l.startsWith('recovery round 2 '))).toContain(`the budget's size search at ~${Math.round(scout.targetBytes!).toLocaleString('en')} B`);
    expect(a.reasons.find((l) => l.startsWith('recovery round 2 '))).toContain('the round before pruned nothing');
  });

  it('steps the budget\'s size search down past accepted plans and between an accepted and a rejected one', () => {
    // The one-shot plan's probe (0.01) is over the 0.005 budget: it sets what a smaller plan may leave.
    expect(budgetThreshold([round(100, 0.01)], 0.005)).toBe(0.01);
    expect(budgetThreshold([round(100, 0.001)], 0.005)).toBe(0.005);
    expect(nextBudgetBytes([round(100, 0.01)], 0.005)).toBeCloseTo(100 * RECOVERY_BUDGET_SHRINK, 12);
    expect(nextBudgetBytes([round(100, 0.01), round(75, 0.008)], 0.005)).toBeCloseTo(75 * RECOVERY_BUDGET_SHRINK, 12);
    expect(nextBudgetBytes([round(100, 0.01), round(75, 0.02)], 0.005)).toBeCloseTo(Math.sqrt(100 * 75), 12);
    expect(nextBudgetBytes([round(100, 0.004), round(75, 0.006), round(87, 0.003)], 0.005)).toBeCloseTo(Math.sqrt(87 * 75), 12);
  });

  it('measures each plan beyond what the probes\' retraining does to the unpruned model', async () => {
    const model = mlp();
    const evaluate = fakeAccuracy(model);
    const trainer = recoveringTrainer(model, 0.1);
    // A retraining that costs 0.002 by itself (evaluated below the truth by that much).
    const noisy = { ...trainer, evaluate: async (m: Model) => ({ ...(await trainer.evaluate(m)), accuracy: (await trainer.evaluate(m)).accuracy - (m === model ? 0 : 0.002) }) };
    const plain = await planAllocation(model, { maxErrorIncrease: 0.01, evaluate, recovery: { trainer, rounds: 0 } });
    const shifted = await planAllocation(model, { maxErrorIncrease: 0.01, evaluate, recovery: { trainer: noisy, rounds: 0 } });
    expect(shifted.recovery!.reference.retrained).toBeCloseTo(shifted.recovery!.reference.baseline - 0.002, 12);
    expect(shifted.recovery!.rounds[0].probe.jointIncrease).toBeCloseTo(plain.recovery!.rounds[0].probe.jointIncrease, 12);
  });

  it('stops when a round plans what an earlier one did', async () => {
    const model = mlp();
    const evaluate = fakeAccuracy(model);
    // Probes that recover nothing: pruning's factor stays near 1, so the next plan repeats the first.
    const targetBytes = Math.round(float32Bytes(model) / 12);
    const a = await planAllocation(model, { targetBytes, evaluate, writer: () => huffmanEncode(), recovery: { trainer: () => recoveringTrainer(model, 1), rounds: 4 } });
    expect(a.recovery!.rounds.length).toBeLessThan(5);
    const keys = a.recovery!.rounds.map((x) => JSON.stringify([x.sparsity, x.bits]));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('rejects a recovery without a trainer or with too many rounds', async () => {
    const model = mlp();
    const evaluate = fakeAccuracy(model);
    const noTrainer = await planAllocation(model, { maxErrorIncrease: 0.01, evaluate, recovery: {} as never }).catch((e: unknown) => e);
    expect(isDcError(noTrainer) && noTrainer.option === 'recovery.trainer').toBe(true);
    const rounds = await planAllocation(model, { maxErrorIncrease: 0.01, evaluate, recovery: { trainer: recoveringTrainer(model, 1), rounds: 9 } }).catch((e: unknown) => e);
    expect(isDcError(rounds) && rounds.option === 'recovery.rounds').toBe(true);
  });
});
