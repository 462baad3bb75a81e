/**
 * Retraining-aware planning. One-shot sensitivity prices pruning as if nothing retrained
 * afterwards, but retraining recovers most of what pruning costs (far more than it recovers of what
 * coarse codes cost), so a one-shot plan buys too few pruned weights and too many coarse codes on a
 * convnet. A recovery probe runs the plan's own stages briefly (a short masked retraining, then
 * clustering with a short centroid tuning) and measures on the validation rows what is left after
 * pruning and after clustering, beyond what the same retraining does to the unpruned model (the
 * reference, measured once); the pruning curves are scaled by what was left of their prediction
 * and the plan made again. For a size target, the plan whose probe left the validation error
 * lowest is kept. For an accuracy budget, the rounds after the first search smaller sizes, and the
 * smallest plan whose probe stayed within the budget or left no more than the one-shot plan's is
 * kept. The one-shot plan is always a contestant. (The codes' curves are not rescaled: their share
 * is the difference of two measurements, too noisy to scale by.)
 */
import { createPipeline, DcError, type Model, type ProgressEvent, type Stage, type TrainingService } from '@dc/core';
import { pruneLowMagnitude } from '@dc/prune';
import { clusterWeights } from '@dc/quantize';
import { choiceRecord, oneShotIncreases, predictedBytes, type LayerChoice, type LayerCurves } from './choose.js';
import type { Measured } from './metric.js';

/** Options of the recovery probes (`planAllocation`'s `recovery`). */
export interface RecoveryOptions {
  /**
   * Trains the probes and evaluates them: a trainer on rows of the training split, whose evaluation
   * set is validation data, never the test set. A function gives a fresh one per probe (same seed:
   * two probes of one plan then measure the same).
   */
  readonly trainer: TrainingService | (() => TrainingService);
  /** Probe → rescale → plan again rounds after the one-shot plan; default {@link defaultRecoveryRounds} of the goal (2, or 3 for an accuracy budget). */
  readonly rounds?: number;
  /**
   * The pruning stages of a probe for per-layer `sparsity` (default `pruneLowMagnitude` with one
   * epoch of retraining at 1e-3): pass the run's own, shortened, so the probe measures what it does.
   */
  readonly prune?: (sparsity: Record<string, number>) => readonly Stage[];
  /** The clustering stages of a probe for per-layer `bits` (default `clusterWeights` with one epoch of centroid tuning at 1e-4). */
  readonly cluster?: (bits: Record<string, number>) => readonly Stage[];
}

/**
 * What one probe measured: validation error increases (fractions) over the reference, the model
 * retrained as the probe retrains but unpruned (the short retraining on few rows moves the error
 * by itself; what a plan costs is measured beyond that). Negative where the probe ended below the
 * reference (its centroid tuning, at a lower rate, undoes some of the retraining's harm).
 */
export interface RecoveryProbe {
  /** After the pruning stages (pruned and retrained). */
  readonly prunedIncrease: number;
  /** After the clustering stages too: what the plan leaves after the probe's retraining. */
  readonly jointIncrease: number;
  readonly seconds: number;
}

/** One planning round: the pruning factor it planned with, what it chose and what its probe measured. */
export interface RecoveryRound {
  /** The factor the pruning curves were scaled by (1: the one-shot plan). */
  readonly pruningFactor: number;
  readonly sparsity: Record<string, number>;
  readonly bits: Record<string, number>;
  /** Real bytes of its one-shot candidate (size target or a writer), else the analytic kernel bytes. */
  readonly bytes: number;
  /** For an accuracy budget, the size the round was planned at (the size search); absent when it planned the goal itself. */
  readonly targetBytes?: number;
  /** Sums of the one-shot (unscaled) predictions of its choice. */
  readonly oneShot: { readonly sparsity: number; readonly bits: number };
  readonly probe: RecoveryProbe;
}

/** Default probe rounds after the one-shot plan for a size target. */
export const DEFAULT_RECOVERY_ROUNDS = 2;
/**
 * Default probe rounds after the one-shot plan for an accuracy budget. Its rounds search sizes:
 * each shrinks past the smallest accepted plan until one is rejected, then bisects
 * ({@link nextBudgetBytes}); the third round is the first that can bisect, so a rejected second
 * shrink still informs a plan. (A Fashion-MNIST MobileNet at 1 pp: 9.55× with 2 rounds, 10.96×
 * with 3; the ResNet at 0.5 pp: 10.49× and 12.01×.)
 */
export const DEFAULT_BUDGET_RECOVERY_ROUNDS = 3;

/** The probe rounds a goal gets when none are asked for: {@link DEFAULT_BUDGET_RECOVERY_ROUNDS} for an accuracy budget (`budget` true), else {@link DEFAULT_RECOVERY_ROUNDS}. */
export function defaultRecoveryRounds(budget: boolean): number {
  return budget ? DEFAULT_BUDGET_RECOVERY_ROUNDS : DEFAULT_RECOVERY_ROUNDS;
}
/** The most probe rounds after the one-shot plan. */
export const MAX_RECOVERY_ROUNDS = 8;
/** The pruning factor stays within these: a probe that measured nothing left still prices pruning a little. */
export const RECOVERY_FACTOR_RANGE: readonly [number, number] = [0.005, 4];

/** Every layer's curves with the pruning curve's error increases multiplied by `factor`. */
export function scaleCurves(curves: readonly LayerCurves[], factor: number): LayerCurves[] {
  return curves.map((c) => ({ ...c, sparsity: { levels: c.sparsity.levels, increase: c.sparsity.increase.map((x) => x * factor) } }));
}

/** The score of what a probe's pipeline measured (its accuracy, or its loss as a share of the baseline's: `metric.ts`). */
export type ReportScore = (m: Measured) => number;

/** By default a probe is scored by its accuracy. */
const byAccuracy: ReportScore = (m) => m.accuracy!;

/** The reference of the probes: the model's validation score (accuracy, or see `metric.ts`) before and after the probe's pruning stages at sparsity 0. */
export interface RecoveryReference {
  readonly baseline: number;
  readonly retrained: number;
  readonly seconds: number;
}

const pruneStages = (o: RecoveryOptions, sparsity: Record<string, number>) => o.prune?.(sparsity) ?? [pruneLowMagnitude({ sparsity, retrain: { epochs: 1, learningRate: 1e-3 }, evaluate: false }) as Stage];
const trainerOf = (o: RecoveryOptions) => (typeof o.trainer === 'function' ? o.trainer() : o.trainer);

/** Retrains the unpruned model as the probes retrain (`layers` at sparsity 0) and measures it. */
export async function probeReference(model: Model, layers: readonly string[], o: RecoveryOptions, score: ReportScore = byAccuracy): Promise<RecoveryReference> {
  const start = performance.now();
  const { report } = await createPipeline()
    .useAll([...pruneStages(o, Object.fromEntries(layers.map((l) => [l, 0])))])
    .run(model, { seed: 1, trainer: trainerOf(o), evaluate: true });
  const baseline = score({ accuracy: report.baselineAccuracy, loss: report.baselineLoss });
  return { baseline, retrained: score(report.stages.at(-1)!), seconds: (performance.now() - start) / 1000 };
}

/**
 * Runs the plan's stages briefly on the probe trainer and measures both parts on its validation
 * rows, as increases over `reference`'s retrained accuracy.
 */
export async function probeRecovery(
  model: Model,
  choice: readonly LayerChoice[],
  o: RecoveryOptions,
  afterPruning: () => readonly Stage[],
  reference: RecoveryReference,
  score: ReportScore = byAccuracy,
): Promise<RecoveryProbe> {
  const sparsity = choiceRecord(choice, 'sparsity');
  const bits = choiceRecord(choice, 'bits');
  const prune = pruneStages(o, sparsity);
  const cluster = o.cluster?.(bits) ?? [clusterWeights({ layerBits: bits, epochs: 1, learningRate: 1e-4, evaluate: false }) as Stage];
  const start = performance.now();
  const { report } = await createPipeline()
    .useAll([...prune, ...afterPruning(), ...cluster])
    .run(model, { seed: 1, trainer: trainerOf(o), evaluate: true });
  const increase = (m: Measured) => reference.retrained - score(m);
  return {
    prunedIncrease: increase(report.stages[prune.length - 1]),
    jointIncrease: increase(report.stages.at(-1)!),
    seconds: (performance.now() - start) / 1000,
  };
}

/**
 * What a plan that prunes nothing scales pruning's price by for the next round: with nothing pruned
 * the probe cannot measure what retraining recovers, so the next plan is made to prune (retraining
 * recovers most of pruning's one-shot cost, e.g. all but 4% on a Fashion-MNIST ResNet) and its
 * probe measures the factor.
 */
export const RECOVERY_SCOUT_FACTOR = 0.1;

/** Pruning's price after a plan that pruned nothing: a {@link RECOVERY_SCOUT_FACTOR} of `current`, not below the floor. */
const scoutFactor = (current: number) => Math.max(RECOVERY_FACTOR_RANGE[0], current * RECOVERY_SCOUT_FACTOR);

/**
 * The pruning factor a probe implies for the next round: what pruning left after the probe's
 * retraining over what the one-shot curves predicted for the plan, within
 * {@link RECOVERY_FACTOR_RANGE}. A plan predicted free of pruning (it prunes nothing) measured
 * nothing: the next round prices pruning at `current` × {@link RECOVERY_SCOUT_FACTOR} instead, so
 * that it prunes and its probe can measure.
 */
export function nextFactor(oneShotPruning: number, probe: RecoveryProbe, current = 1): number {
  const [lo, hi] = RECOVERY_FACTOR_RANGE;
  if (!(oneShotPruning > 0)) return scoutFactor(current);
  return Math.min(hi, Math.max(lo, Math.max(0, probe.prunedIncrease) / oneShotPruning));
}

/**
 * What a round's probe may leave for an accuracy budget: the budget, or what the one-shot plan's
 * probe left where that is more. The one-shot plan is within the budget by the planner's prediction,
 * and a plan whose probe left no more is as safe by that standard: the probes' short retraining
 * leaves more than the run's (a Fashion-MNIST ResNet's one-shot plan at 0.5 pp: its probe left
 * +1.25 pp, its file came out 0.29 pp below the baseline).
 */
export function budgetThreshold(rounds: readonly RecoveryRound[], budget: number): number {
  return Math.max(budget, rounds[0].probe.jointIncrease);
}

/**
 * The round to keep: for a size target (every round's candidate near the same bytes) the one whose
 * probe left the least error; for an accuracy budget the smallest whose probe left no more than
 * {@link budgetThreshold} (the one-shot round always does). Ties go to the earlier round.
 */
export function chooseRound(rounds: readonly RecoveryRound[], budget: number | undefined): number {
  let best = 0;
  const threshold = budget === undefined ? 0 : budgetThreshold(rounds, budget);
  for (let i = 1; i < rounds.length; i++) {
    const r = rounds[i];
    if (budget === undefined ? r.probe.jointIncrease < rounds[best].probe.jointIncrease : r.probe.jointIncrease <= threshold && r.bytes < rounds[best].bytes) best = i;
  }
  return best;
}

/** How far an accuracy budget's size search shrinks past the smallest plan its probes accepted, before one is rejected. */
export const RECOVERY_BUDGET_SHRINK = 0.75;

/**
 * The size an accuracy budget's next round plans at: {@link RECOVERY_BUDGET_SHRINK} × the smallest
 * plan whose probe was accepted ({@link budgetThreshold}), or, once a smaller plan was rejected, the
 * geometric middle between the two.
 */
export function nextBudgetBytes(rounds: readonly RecoveryRound[], budget: number): number {
  const threshold = budgetThreshold(rounds, budget);
  const accepted = Math.min(...rounds.filter((r) => r.probe.jointIncrease <= threshold).map((r) => r.bytes));
  const rejected = rounds.filter((r) => r.probe.jointIncrease > threshold && r.bytes < accepted).map((r) => r.bytes);
  return rejected.length ? Math.sqrt(accepted * Math.max(...rejected)) : accepted * RECOVERY_BUDGET_SHRINK;
}

const planKey = (s: { readonly choice: readonly LayerChoice[] }) => JSON.stringify(s.choice.map((c) => [c.sparsity, c.bits]));

/**
 * The one-shot plan and up to `rounds` plans on rescaled pruning curves, each probed; stops early
 * when a round plans what an earlier one did (the factors would only repeat), unless that plan
 * prunes nothing: then pruning's price drops by {@link RECOVERY_SCOUT_FACTOR} again first. For an
 * accuracy budget the rounds after the first search sizes ({@link nextBudgetBytes}): `solve` gets
 * the size to plan at. Returns the rounds, the one kept ({@link chooseRound}) and its solution.
 */
export async function recoveryRounds<S extends { readonly choice: readonly LayerChoice[]; readonly measured?: number }>(
  curves: readonly LayerCurves[],
  solve: (curves: readonly LayerCurves[], targetBytes?: number) => Promise<S>,
  probe: (choice: readonly LayerChoice[]) => Promise<RecoveryProbe>,
  o: { readonly rounds: number; readonly budget?: number; readonly signal?: AbortSignal; readonly onProgress?: (event: ProgressEvent) => void },
): Promise<{ rounds: RecoveryRound[]; chosen: number; solved: S }> {
  const rounds: RecoveryRound[] = [];
  const solutions: S[] = [];
  const planned = new Set<string>();
  let factor = 1;
  let target: number | undefined;
  for (let r = 0; r <= o.rounds; r++) {
    if (o.signal?.aborted) throw new DcError('ABORTED', 'allocation aborted', { cause: o.signal.reason });
    let s = await solve(scaleCurves(curves, factor), target);
    let key = planKey(s);
    // A plan that prunes nothing and repeats one already probed: pruning is priced lower still
    // until the plan prunes, or the price reaches the floor.
    while (planned.has(key) && !(oneShotIncreases(s.choice, curves).sparsity > 0) && factor > RECOVERY_FACTOR_RANGE[0]) {
      factor = scoutFactor(factor);
      s = await solve(scaleCurves(curves, factor), target);
      key = planKey(s);
    }
    if (planned.has(key)) break;
    planned.add(key);
    const oneShot = oneShotIncreases(s.choice, curves);
    const measured = await probe(s.choice);
    o.onProgress?.({ label: `recovery probe ${r + 1}/${o.rounds + 1}`, current: r + 1, total: o.rounds + 1 });
    rounds.push({
      pruningFactor: factor,
      sparsity: choiceRecord(s.choice, 'sparsity'),
      bits: choiceRecord(s.choice, 'bits'),
      bytes: s.measured ?? predictedBytes(s.choice),
      ...(target !== undefined ? { targetBytes: target } : {}),
      oneShot,
      probe: measured,
    });
    solutions.push(s);
    factor = nextFactor(oneShot.sparsity, measured, factor);
    if (o.budget !== undefined) target = nextBudgetBytes(rounds, o.budget);
  }
  const chosen = chooseRound(rounds, o.budget);
  return { rounds, chosen, solved: solutions[chosen] };
}
