/**
 * Automatic allocation: per-layer sparsity and bits for an accuracy budget or a file-size target,
 * chosen from measured validation sensitivity (error vs sparsity and error vs bits, per layer).
 */
import { float32Bytes, WEIGHT_PARAMS, type Model } from '@dc/core';
import { analyzeSensitivity, type SensitivityTable } from '@dc/prune';
import { analyzeBitSensitivity, type BitSensitivityTable } from './bit-sensitivity.js';
import { candidateBytes } from './candidate-bytes.js';
import { chooseAt, choiceRecord, predictedBytes, predictedIncrease, scaleKept, sparsityGrid, withOneShot, type LayerChoice, type LayerCurves } from './choose.js';
import { damageCurve } from './curves.js';
import { DEFAULT_BIT_LEVELS, DEFAULT_SPARSITY_LEVELS, LOSS_SPARSITY_LEVELS, resolveGoal, type AllocateOptions, type Goal, type Metric } from './options.js';
import { defaultRecoveryRounds, probeRecovery, probeReference, recoveryRounds, type RecoveryReference, type RecoveryRound } from './recovery.js';
import { scorerFor } from './metric.js';
import { describeAllocation } from './reason.js';

/** The chosen allocation, its predictions and why. */
export interface Allocation {
  readonly goal: Goal;
  /**
   * What the costs are measured in: `accuracy` (error fractions: `lambda`, the increases and
   * `baselineAccuracy` are validation error and accuracy) or `loss` (shares of `baselineLoss`:
   * an increase of 0.05 is 5% more validation loss; the sensitivity tables and `baselineAccuracy`
   * then hold scores `1 − loss / baselineLoss`, the unchanged model's 0).
   */
  readonly metric: Metric;
  /** With `metric: 'loss'`: the unchanged model's validation loss. */
  readonly baselineLoss?: number;
  /** Fraction pruned per layer (plugs into `pruneLowMagnitude({ sparsity })`). */
  readonly sparsity: Record<string, number>;
  /** Bits per layer (plugs into `clusterWeights({ layerBits })`). */
  readonly bits: Record<string, number>;
  readonly layers: LayerChoice[];
  /** The trade-off price: validation error (fraction) per byte at which the layers were balanced. */
  readonly lambda: number;
  /** Sum of the layers' one-shot validation error increases (fraction; retraining recovers much of it). */
  readonly predictedErrorIncrease: number;
  /** Analytic bytes of the kernels. */
  readonly predictedKernelBytes: number;
  /** Bytes of the file the writer wrote for the one-shot candidate (when a writer was given). */
  readonly candidateBytes?: number;
  /** Float32 bytes of every parameter. */
  readonly originalBytes: number;
  /** Candidates written while searching. */
  readonly candidatesWritten: number;
  readonly baselineAccuracy: number;
  readonly sensitivity: { readonly sparsity: SensitivityTable; readonly bits: BitSensitivityTable };
  /**
   * With `recovery`: the probes' reference (validation accuracy before and after their retraining
   * of the unpruned model), every planning round (the one-shot plan first) with its probe's
   * measurements, and the index of the round kept.
   */
  readonly recovery?: { readonly reference: RecoveryReference; readonly rounds: readonly RecoveryRound[]; readonly chosen: number };
  /** One line per decision, in words. */
  readonly reasons: string[];
}

const LOG_LAMBDA: readonly [number, number] = [-12, 0];
const SEARCH_STEPS = 24;

/**
 * Measures sensitivity on the validation data (`evaluate`), then picks the price `lambda` at
 * which every layer's choice (least predicted error increase + `lambda` × predicted bytes) meets
 * the goal: for a size target, the real writer's bytes of the candidate closest to the target
 * (bisection on `lambda`); for an accuracy budget, the smallest file whose predicted error
 * increase stays within it.
 */
export async function planAllocation(model: Model, options: AllocateOptions): Promise<Allocation> {
  const originalBytes = float32Bytes(model);
  const goal = resolveGoal(options, originalBytes);
  const metric = options.metric ?? 'accuracy';
  const sparsityLevels = options.sparsityLevels ?? (metric === 'loss' ? LOSS_SPARSITY_LEVELS : DEFAULT_SPARSITY_LEVELS);
  const score = await scorerFor(model, options);
  const sparsity = await analyzeSensitivity(model, {
    levels: sparsityLevels,
    evaluate: score.evaluate,
    ...(options.layers ? { layers: options.layers } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const layers = sparsity.rows.map((r) => r.layer);
  const bits = await analyzeBitSensitivity(model, {
    bits: options.bitLevels ?? DEFAULT_BIT_LEVELS,
    layers,
    evaluate: score.evaluate,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const curves: LayerCurves[] = layers.map((layer, i) => ({
    layer,
    params: weightCount(model, layer),
    sparsity: damageCurve(sparsity.levels, sparsity.rows[i].accuracy, sparsity.baseline),
    bits: damageCurve(bits.bits, bits.rows[i].accuracy, bits.baseline),
  }));
  const maxSparsity = options.maxSparsity ?? Math.max(...sparsityLevels);
  const grid = sparsityGrid(maxSparsity, options.sparsityStep ?? 0.0025);
  const centroidBytes = options.centroidBytes ?? 4;

  const cache = new Map<string, number>();
  const measure = async (choice: LayerChoice[]): Promise<number> => {
    const key = JSON.stringify(choice.map((c) => [c.sparsity, c.bits]));
    if (!cache.has(key)) cache.set(key, await candidateBytes(model, choiceRecord(choice, 'sparsity'), choiceRecord(choice, 'bits'), options.writer!, options.afterPruning));
    return cache.get(key)!;
  };
  // A size (`targetBytes`) replaces the goal in an accuracy budget's recovery size search.
  const solve = (c: readonly LayerCurves[], targetBytes?: number) =>
    solveGoal(targetBytes === undefined ? goal : { kind: 'targetBytes', value: targetBytes }, c, { grid, maxSparsity, centroidBytes, measure: options.writer ? measure : undefined });

  let solved: Solved;
  let recovery: Allocation['recovery'];
  if (options.recovery) {
    const probes = options.recovery;
    const afterPruning = options.afterPruning ?? (() => []);
    const reference = await probeReference(model, layers, probes, score.ofReport);
    const budget = goal.kind === 'maxErrorIncrease' ? goal.value : undefined;
    const r = await recoveryRounds(curves, solve, (choice) => probeRecovery(model, choice, probes, afterPruning, reference, score.ofReport), {
      rounds: probes.rounds ?? defaultRecoveryRounds(budget !== undefined),
      ...(budget !== undefined ? { budget } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    solved = r.solved;
    recovery = { reference, rounds: r.rounds, chosen: r.chosen };
  } else {
    solved = await solve(curves);
  }
  // The layers report their one-shot predictions whatever the curves they were chosen on.
  const choice = solved.choice.map((c) => withOneShot(c, curves));
  const { lambda, measured } = solved;
  const allocation = {
    goal,
    metric,
    ...(score.baselineLoss !== undefined ? { baselineLoss: score.baselineLoss } : {}),
    sparsity: choiceRecord(choice, 'sparsity'),
    bits: choiceRecord(choice, 'bits'),
    layers: choice,
    lambda,
    predictedErrorIncrease: predictedIncrease(choice),
    predictedKernelBytes: predictedBytes(choice),
    ...(measured !== undefined ? { candidateBytes: measured } : {}),
    originalBytes,
    candidatesWritten: cache.size,
    baselineAccuracy: sparsity.baseline,
    sensitivity: { sparsity, bits },
    ...(recovery ? { recovery } : {}),
  };
  return { ...allocation, reasons: describeAllocation(allocation, curves) };
}

/** The weights a layer's sparsity and bits apply to: its kernel, and a recurrent layer's recurrent kernel too. */
function weightCount(model: Model, layer: string): number {
  const { params } = model.layers.find((l) => l.name === layer)!;
  return WEIGHT_PARAMS.reduce((n, key) => n + (params[key]?.values.length ?? 0), 0);
}

interface Solved {
  readonly lambda: number;
  readonly choice: LayerChoice[];
  /** Real bytes of the choice's one-shot candidate, when a writer measured it. */
  readonly measured?: number;
}

/**
 * The price `lambda` and choice meeting `goal` on `curves`: for a size target the candidate whose
 * real bytes (`measure`) are closest to it (bisection on `lambda`, then every layer's kept count
 * scaled); for an accuracy budget the smallest file whose predicted error increase stays within it.
 */
async function solveGoal(
  goal: Goal,
  curves: readonly LayerCurves[],
  o: { grid: readonly number[]; maxSparsity: number; centroidBytes: number; measure: ((choice: LayerChoice[]) => Promise<number>) | undefined },
): Promise<Solved> {
  const choose = (l: number) => chooseAt(l, curves, o.grid, o.centroidBytes);
  if (goal.kind === 'targetBytes') {
    // Without a writer (an accuracy budget's size search), the analytic kernel bytes.
    const measure = o.measure ?? (async (choice: LayerChoice[]) => predictedBytes(choice));
    const bytesAt = (l: number) => measure(choose(l));
    const highest = 10 ** LOG_LAMBDA[1];
    // Bytes fall as the price grows.
    const { x: lambda, bytes } = await closestBytes(goal.value, LOG_LAMBDA, 10, false, { x: highest, bytes: await bytesAt(highest) }, bytesAt, SEARCH_STEPS);
    // Between two prices the choice jumps (a layer loses a bit); scaling every layer's kept count
    // closes the gap continuously, measured with the writer again.
    const base = choose(lambda);
    const scaled = await closestBytes(goal.value, [-1, 1], 2, true, { x: 1, bytes }, (f) => measure(scaleKept(base, f, curves, o.maxSparsity, o.centroidBytes)), SEARCH_STEPS / 2);
    return { lambda, choice: scaleKept(base, scaled.x, curves, o.maxSparsity, o.centroidBytes), measured: scaled.bytes };
  }
  const lambda = searchBudget(goal.value, (l) => predictedIncrease(choose(l)));
  const choice = choose(lambda);
  return { lambda, choice, ...(o.measure ? { measured: await o.measure(choice) } : {}) };
}

/**
 * Bisection over exponent `e` in [lo, hi] (value `base ** e`) for the bytes closest to `target`,
 * starting from the known point `start`; bytes grow with `e` when `growing`, else fall. Stops
 * early within 0.2% of the target.
 */
async function closestBytes(
  target: number,
  [lo, hi]: readonly [number, number],
  base: number,
  growing: boolean,
  start: { x: number; bytes: number },
  bytesAt: (x: number) => Promise<number>,
  steps: number,
): Promise<{ x: number; bytes: number }> {
  let best = start;
  for (let i = 0; i < steps && Math.abs(best.bytes - target) > target * 0.002; i++) {
    const mid = (lo + hi) / 2;
    const bytes = await bytesAt(base ** mid);
    if (Math.abs(bytes - target) < Math.abs(best.bytes - target)) best = { x: base ** mid, bytes };
    if (bytes > target === growing) hi = mid;
    else lo = mid;
  }
  return best;
}

/** The largest lambda (smallest file) whose predicted error increase stays within `budget`. */
function searchBudget(budget: number, increaseAt: (lambda: number) => number): number {
  let [lo, hi]: number[] = [...LOG_LAMBDA];
  if (increaseAt(10 ** hi) <= budget) return 10 ** hi;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (increaseAt(10 ** mid) <= budget) lo = mid;
    else hi = mid;
  }
  return 10 ** lo;
}
