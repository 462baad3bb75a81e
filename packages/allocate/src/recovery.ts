/**
 * Retraining-aware planning. One-shot sensitivity prices pruning as if nothing retrained
 * afterwards, but retraining recovers most of what pruning costs (far more than it recovers of what
 * coarse codes cost), so a one-shot plan buys too few pruned weights and too many coarse codes on a
 * convnet. A recovery probe runs the plan's own stages briefly (a short masked retraining, then
 * clustering with a short centroid tuning) and measures on the validation rows what is left after
 * pruning and after clustering, beyond what the same retraining does to the unpruned model (the
 * reference, measured once); the pruning curves are scaled by what was left of their prediction
 * and the plan made again. The plan whose probe left the validation error lowest (a size target),
 * or the smallest one whose probe stayed within the budget (an accuracy budget), is kept; the
 * one-shot plan is always a contestant. (The codes' curves are not rescaled: their share is the
 * difference of two measurements, too noisy to scale by.)
 */
import { createPipeline, DcError, type Model, type ProgressEvent, type Stage, type TrainingService } from '@dc/core';
import { pruneLowMagnitude } from '@dc/prune';
import { clusterWeights } from '@dc/quantize';
import { choiceRecord, oneShotIncreases, type LayerChoice, type LayerCurves } from './choose.js';

/** Options of the recovery probes (`planAllocation`'s `recovery`). */
export interface RecoveryOptions {
  /**
   * Trains the probes and evaluates them: a trainer on rows of the training split, whose evaluation
   * set is validation data, never the test set. A function gives a fresh one per probe (same seed:
   * two probes of one plan then measure the same).
   */
  readonly trainer: TrainingService | (() => TrainingService);
  /** Probe → rescale → plan again rounds after the one-shot plan; default 2. */
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
  /** Sums of the one-shot (unscaled) predictions of its choice. */
  readonly oneShot: { readonly sparsity: number; readonly bits: number };
  readonly probe: RecoveryProbe;
}

/** Default probe rounds after the one-shot plan. */
export const DEFAULT_RECOVERY_ROUNDS = 2;
/** The most probe rounds after the one-shot plan. */
export const MAX_RECOVERY_ROUNDS = 8;
/** The pruning factor stays within these: a probe that measured nothing left still prices pruning a little. */
export const RECOVERY_FACTOR_RANGE: readonly [number, number] = [0.005, 4];

/** Every layer's curves with the pruning curve's error increases multiplied by `factor`. */
export function scaleCurves(curves: readonly LayerCurves[], factor: number): LayerCurves[] {
  return curves.map((c) => ({ ...c, sparsity: { levels: c.sparsity.levels, increase: c.sparsity.increase.map((x) => x * factor) } }));
}

/** The reference of the probes: the model's validation accuracy before and after the probe's pruning stages at sparsity 0. */
export interface RecoveryReference {
  readonly baseline: number;
  readonly retrained: number;
  readonly seconds: number;
}

const pruneStages = (o: RecoveryOptions, sparsity: Record<string, number>) => o.prune?.(sparsity) ?? [pruneLowMagnitude({ sparsity, retrain: { epochs: 1, learningRate: 1e-3 }, evaluate: false }) as Stage];
const trainerOf = (o: RecoveryOptions) => (typeof o.trainer === 'function' ? o.trainer() : o.trainer);

/** Retrains the unpruned model as the probes retrain (`layers` at sparsity 0) and measures it. */
export async function probeReference(model: Model, layers: readonly string[], o: RecoveryOptions): Promise<RecoveryReference> {
  const start = performance.now();
  const { report } = await createPipeline()
    .useAll([...pruneStages(o, Object.fromEntries(layers.map((l) => [l, 0])))])
    .run(model, { seed: 1, trainer: trainerOf(o), evaluate: true });
  return { baseline: report.baselineAccuracy!, retrained: report.stages.at(-1)!.accuracy!, seconds: (performance.now() - start) / 1000 };
}

/**
 * Runs the plan's stages briefly on the probe trainer and measures both parts on its validation
 * rows, as increases over `reference`'s retrained accuracy.
 */
export async function probeRecovery(model: Model, choice: readonly LayerChoice[], o: RecoveryOptions, afterPruning: () => readonly Stage[], reference: RecoveryReference): Promise<RecoveryProbe> {
  const sparsity = choiceRecord(choice, 'sparsity');
  const bits = choiceRecord(choice, 'bits');
  const prune = pruneStages(o, sparsity);
  const cluster = o.cluster?.(bits) ?? [clusterWeights({ layerBits: bits, epochs: 1, learningRate: 1e-4, evaluate: false }) as Stage];
  const start = performance.now();
  const { report } = await createPipeline()
    .useAll([...prune, ...afterPruning(), ...cluster])
    .run(model, { seed: 1, trainer: trainerOf(o), evaluate: true });
  const increase = (accuracy: number | undefined) => reference.retrained - accuracy!;
  return {
    prunedIncrease: increase(report.stages[prune.length - 1].accuracy),
    jointIncrease: increase(report.stages.at(-1)!.accuracy),
    seconds: (performance.now() - start) / 1000,
  };
}

/**
 * The pruning factor a probe implies for the next round: what pruning left after the probe's
 * retraining over what the one-shot curves predicted for the plan, within
 * {@link RECOVERY_FACTOR_RANGE} (1 when the plan was predicted free).
 */
export function nextFactor(oneShotPruning: number, probe: RecoveryProbe): number {
  const [lo, hi] = RECOVERY_FACTOR_RANGE;
  return oneShotPruning > 0 ? Math.min(hi, Math.max(lo, Math.max(0, probe.prunedIncrease) / oneShotPruning)) : 1;
}

/**
 * The round to keep: for a size target (every round's candidate near the same bytes) the one whose
 * probe left the least error; for an accuracy budget the smallest whose probe stayed within it, the
 * one-shot round when none did. Ties go to the earlier round.
 */
export function chooseRound(rounds: readonly RecoveryRound[], budget: number | undefined): number {
  let best = 0;
  for (let i = 1; i < rounds.length; i++) {
    const r = rounds[i];
    if (budget === undefined ? r.probe.jointIncrease < rounds[best].probe.jointIncrease : r.probe.jointIncrease <= budget && (rounds[best].probe.jointIncrease > budget || r.bytes < rounds[best].bytes)) best = i;
  }
  return best;
}

/**
 * The one-shot plan and up to `rounds` plans on rescaled pruning curves, each probed; stops early
 * when a round plans what an earlier one did (the factors would only repeat). Returns the rounds,
 * the one kept ({@link chooseRound}) and its solution.
 */
export async function recoveryRounds<S extends { readonly choice: readonly LayerChoice[]; readonly measured?: number }>(
  curves: readonly LayerCurves[],
  solve: (curves: readonly LayerCurves[]) => Promise<S>,
  probe: (choice: readonly LayerChoice[]) => Promise<RecoveryProbe>,
  o: { readonly rounds: number; readonly budget?: number; readonly signal?: AbortSignal; readonly onProgress?: (event: ProgressEvent) => void },
): Promise<{ rounds: RecoveryRound[]; chosen: number; solved: S }> {
  const rounds: RecoveryRound[] = [];
  const solutions: S[] = [];
  const planned = new Set<string>();
  let factor = 1;
  for (let r = 0; r <= o.rounds; r++) {
    if (o.signal?.aborted) throw new DcError('ABORTED', 'allocation aborted', { cause: o.signal.reason });
    const s = await solve(scaleCurves(curves, factor));
    const key = JSON.stringify(s.choice.map((c) => [c.sparsity, c.bits]));
    if (planned.has(key)) break;
    planned.add(key);
    const oneShot = oneShotIncreases(s.choice, curves);
    const measured = await probe(s.choice);
    o.onProgress?.({ label: `recovery probe ${r + 1}/${o.rounds + 1}`, current: r + 1, total: o.rounds + 1 });
    rounds.push({ pruningFactor: factor, sparsity: choiceRecord(s.choice, 'sparsity'), bits: choiceRecord(s.choice, 'bits'), bytes: s.measured ?? s.choice.reduce((a, c) => a + c.predictedBytes, 0), oneShot, probe: measured });
    solutions.push(s);
    factor = nextFactor(oneShot.sparsity, measured);
  }
  const chosen = chooseRound(rounds, o.budget);
  return { rounds, chosen, solved: solutions[chosen] };
}
