/**
 * Post-training compression under a fidelity budget, for any model format: per-tensor sparsity and
 * bits from measured sensitivity, balanced at one price (drift per byte), then the whole allocation
 * verified on the calibration set and the price backed off until the measured drift is within budget,
 * replaced by the cautious allocation where that is smaller and within budget (cautious-start.ts),
 * then refined by verified one-tensor steps (refine.ts); or, for a size target, the allocation of
 * least predicted drift whose file fits, verified and reported against the budget (size-target.ts).
 */
import { DcError } from '@dc/core';
import { CAUTIOUS_BITS, cautiousPlan } from './cautious-start.js';
import { compareOutputs, markUnstable, perDraw, reportWithin, worstError, type FidelityReport } from './compare-outputs.js';
import { budgetWords } from './fidelity-words.js';
import { budgetFor, DEFAULT_MAX_OUTPUT_DRIFT, judgesProbabilities, outputKindsOf, samplesToResolve, type FidelityBudget, type OutputBatch, type OutputKind } from './fidelity.js';
import { checkPostTrainingOptions, DEFAULT_CULPRIT_SEARCHES, DEFAULT_POST_TRAINING_BITS, DEFAULT_POST_TRAINING_FINE_BITS, DEFAULT_POST_TRAINING_SPARSITY, DEFAULT_REFINE_MARGIN, DEFAULT_REFINEMENTS, type PlannedTensor, type PostTrainingOptions } from './options.js';
import { refineAllocation } from './refine.js';
import { planBytes, searchAllocation, type TensorPlan } from './search.js';
import { searchAtSize } from './size-target.js';
import { measureSensitivity, type TensorSensitivity } from './sensitivity.js';
import { tensorCandidates, tensorCompressor, type TensorCandidate } from './tensor-candidates.js';
import { formOf, verifiedWeights } from './verified-weights.js';

/** What the planner chose and what it measured. */
export interface PostTrainingPlan {
  /** Per tensor name: fraction pruned, bits per code (null: float) and, when chosen, the channels of per-channel scales or float16 rounding. Plugs into a writer's allocation. */
  readonly allocation: Record<string, PlannedTensor>;
  readonly tensors: readonly TensorPlan[];
  readonly kinds: readonly OutputKind[];
  readonly budget: FidelityBudget;
  /** The allocation's fidelity measured on every calibration batch (the verification that accepted it). */
  readonly fidelity: FidelityReport;
  /** The original model's own fidelity on the jittered calibration batches against its outputs on the calibration (null: none given). */
  readonly jitterFidelity: FidelityReport | null;
  /** Predicted bytes of the planned tensors in the file, and their float32 bytes. */
  readonly predictedBytes: number;
  readonly float32Bytes: number;
  /** The accepted price (drift per byte) and the predicted drift it targeted. */
  readonly lambda: number;
  /** Model runs, one per calibration batch: reference, sensitivity probes, verifications. */
  readonly evaluations: { readonly reference: number; readonly sensitivity: number; readonly verification: number; readonly total: number };
  readonly sensitivity: readonly TensorSensitivity[];
  readonly reasons: readonly string[];
}

/**
 * Plans a post-training compression of `options.tensors` within the fidelity budget.
 * Costs `B` runs for the reference (B calibration batches; 2B with `jitteredCalibration`), at most
 * `2 × min(T, maxProbedTensors) × sensitivityBatches` for the probes (3 × for tensors given
 * `channels`) and at most `(maxVerifications + 2 + maxCulpritSearches × (2 × ceil(log2 T) + 1))
 * × B` for verification (the two: float16 rounding, with `float16`; the culprit searches: see
 * {@link PostTrainingOptions.maxCulpritSearches}), `B` more to verify the cautious allocation where
 * it is smaller than the search's (cautious-start.ts), and at most `maxRefinements × B` to refine the
 * accepted allocation (see {@link PostTrainingOptions.maxRefinements}).
 */
export async function planPostTraining<TBatch>(options: PostTrainingOptions<TBatch>): Promise<PostTrainingPlan> {
  checkPostTrainingOptions(options as PostTrainingOptions<unknown>);
  const budget = budgetFor(options.maxOutputDrift ?? DEFAULT_MAX_OUTPUT_DRIFT);
  const counts = { reference: 0, sensitivity: 0, verification: 0 };
  let phase: keyof typeof counts = 'reference';
  const run = async (weights: ReadonlyMap<string, Float32Array>, batch: TBatch): Promise<readonly OutputBatch[]> => {
    counts[phase]++;
    return options.run(weights, batch);
  };
  let reference: (readonly OutputBatch[])[] = [];
  for (const batch of options.calibration) reference.push(await run(new Map(), batch));
  const kinds = outputKindsOf(reference, options.outputKinds);
  let jitterFidelity: FidelityReport | null = null;
  if (options.jitteredCalibration) {
    const jittered: (readonly OutputBatch[])[] = [];
    for (const batch of options.jitteredCalibration) jittered.push(await run(new Map(), batch));
    jitterFidelity = compareOutputs(perDraw(reference, jittered), jittered, kinds, budget);
    reference = markUnstable(reference, jittered, kinds, budget);
  }

  const compress = options.compressTensor ?? tensorCompressor();
  const probe = options.probe ?? { sparsity: 0.5, bits: 4 };
  const sparsities = options.sparsityLevels ?? DEFAULT_POST_TRAINING_SPARSITY;
  const grid = { sparsities, bits: options.bitLevels ?? DEFAULT_POST_TRAINING_BITS, fineBits: options.fineBitLevels ?? DEFAULT_POST_TRAINING_FINE_BITS, probeSparsity: probe.sparsity, float16: options.float16 ?? false };
  const candidates = new Map<string, readonly TensorCandidate[]>();
  for (const t of options.tensors) candidates.set(t.name, tensorCandidates(t.values, { ...grid, ...(t.channels === undefined ? {} : { channels: t.channels }) }, t.compress ?? compress));

  phase = 'sensitivity';
  const probeBatches = Math.min(options.sensitivityBatches ?? 1, options.calibration.length);
  const sensitivity = await measureSensitivity({
    tensors: options.tensors,
    candidates,
    batches: options.calibration.slice(0, probeBatches),
    reference: reference.slice(0, probeBatches),
    run,
    kinds,
    budget,
    probe,
    maxProbed: options.maxProbedTensors ?? options.tensors.length,
    compress,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });

  phase = 'verification';
  const weightsOf = verifiedWeights(options.tensors, compress);
  const outputsOf = async (plan: readonly TensorPlan[]): Promise<(readonly OutputBatch[])[]> => {
    if (options.signal?.aborted) throw new DcError('ABORTED', 'post-training verification aborted', { cause: options.signal.reason });
    const weights = weightsOf(plan);
    const outputs = [];
    for (const batch of options.calibration) outputs.push(await run(weights, batch));
    return outputs;
  };
  const verify = async (plan: readonly TensorPlan[]): Promise<FidelityReport> => compareOutputs(reference, await outputsOf(plan), kinds, budget);
  const progress = options.onProgress ? { onProgress: options.onProgress } : {};
  const maxCulpritSearches = options.maxCulpritSearches ?? DEFAULT_CULPRIT_SEARCHES;
  const allocationOf = (plan: readonly TensorPlan[]): Record<string, PlannedTensor> => Object.fromEntries(plan.map((p) => [p.name, { sparsity: p.sparsity, bits: p.bits, ...formOf(p) }]));
  let found: { plan: TensorPlan[]; fidelity: FidelityReport; lambda: number; notes: string[] };
  if (options.targetBytes !== undefined) {
    const fileBytes = options.fileBytes;
    found = await searchAtSize({
      tensors: options.tensors,
      candidates,
      sensitivity,
      verify,
      targetBytes: options.targetBytes,
      fileBytes: async (plan) => (fileBytes ? fileBytes(allocationOf(plan)) : planBytes(plan)),
      maxCulpritSearches,
      ...progress,
    });
  } else {
    const priced = await searchAllocation({ tensors: options.tensors, candidates, sensitivity, verify, maxVerifications: options.maxVerifications ?? 8, maxCulpritSearches, ...progress });
    const searched = options.cautiousStart === false ? priced : await cautiousOr(priced, cautiousPlan(options.tensors, candidates, sensitivity), verify);
    const margin = budgetFor((options.refineMargin ?? DEFAULT_REFINE_MARGIN) * (options.maxOutputDrift ?? DEFAULT_MAX_OUTPUT_DRIFT));
    const refined = await refineAllocation({
      tensors: options.tensors,
      candidates,
      sensitivity,
      plan: searched.plan,
      fidelity: searched.fidelity,
      verify,
      withinMargin: (fidelity) => reportWithin(fidelity, margin),
      maxSteps: options.maxRefinements ?? DEFAULT_REFINEMENTS,
      ...progress,
    });
    found = { ...searched, plan: refined.plan, fidelity: refined.fidelity, notes: [...searched.notes, ...refined.notes] };
  }

  const float32Bytes = options.tensors.reduce((a, t) => a + 4 * t.values.length, 0);
  const predictedBytes = planBytes(found.plan);
  const total = counts.reference + counts.sensitivity + counts.verification;
  return {
    allocation: allocationOf(found.plan),
    tensors: found.plan,
    kinds,
    budget,
    fidelity: found.fidelity,
    jitterFidelity,
    predictedBytes,
    float32Bytes,
    lambda: found.lambda,
    evaluations: { ...counts, total },
    sensitivity: [...sensitivity.values()],
    reasons: [
      `outputs judged as ${kinds.join(', ')}; budget: ${budgetWords(kinds, budget)}`,
      ...(jitterFidelity ? [jitterReason(jitterFidelity, reference, kinds)] : []),
      `${options.tensors.length} tensors, ${[...sensitivity.values()].filter((s) => s.measured).length} probed one at a time on ${batches(probeBatches)}; ${counts.verification / options.calibration.length} allocations verified on ${verifiedOn(options.calibration.length)}`,
      `${options.targetBytes === undefined ? 'accepted price' : 'price at the size target'} ${found.lambda.toExponential(2)} drift per byte: ${Math.round(predictedBytes).toLocaleString('en')} predicted bytes of ${float32Bytes.toLocaleString('en')} float32 (${(float32Bytes / predictedBytes).toFixed(1)}×); measured worst error ${worstError(found.fidelity).toFixed(4)}`,
      ...classifierSampleNotes(found.fidelity, budget),
      ...blindProbesNote(sensitivity, probeBatches),
      ...found.notes,
    ],
  };
}

/**
 * The search's allocation, or the cautious one ({@link cautiousPlan}) where that is smaller and
 * verified within budget (one more verification, only where it is smaller), with a note either way.
 */
async function cautiousOr<T extends { plan: TensorPlan[]; fidelity: FidelityReport; notes: string[] }>(searched: T, cautious: TensorPlan[] | undefined, verify: (plan: readonly TensorPlan[]) => Promise<FidelityReport>): Promise<T> {
  if (!cautious || planBytes(cautious) >= planBytes(searched.plan)) return searched;
  const fidelity = await verify(cautious);
  const bytes = (plan: readonly TensorPlan[]) => Math.round(planBytes(plan)).toLocaleString('en');
  const what = `the cautious allocation (every tensor unpruned, in ${CAUTIOUS_BITS}-bit codes, finer ones where no less precise and smaller, or lossless where smaller still: ${bytes(cautious)} predicted bytes, fewer than the search's ${bytes(searched.plan)})`;
  if (!fidelity.withinBudget) return { ...searched, notes: [...searched.notes, `${what} verified over budget (worst error ${worstError(fidelity).toFixed(4)}): kept the search's`] };
  return { ...searched, plan: cautious, fidelity, notes: [...searched.notes, `${what} verified within budget (worst error ${worstError(fidelity).toFixed(4)}): refined from it`] };
}

/**
 * A note when no probe moved any judged output: the probed batches do not exercise the model (a
 * pose model's keypoints or a detector's boxes showing nothing on them), so every tensor was priced
 * as harmless and the plan rests on its verifications and culprit searches alone.
 */
function blindProbesNote(sensitivity: ReadonlyMap<string, TensorSensitivity>, probeBatches: number): string[] {
  const measured = [...sensitivity.values()].filter((s) => s.measured);
  if (measured.length === 0 || measured.some((s) => s.pruneGain > 0 || s.quantizeGain > 0 || s.scaledQuantizeGain > 0)) return [];
  return [
    `no probe moved a judged output: on the ${probeBatches === 1 ? 'first calibration batch' : `first ${probeBatches} calibration batches`} the outputs did not change when any tensor was pruned or clustered alone ` +
      '(keypoints or detections that show nothing there, a classifier far from any decision), so every tensor was priced as harmless and only the verifications judged the plan; ' +
      'put first among the calibration inputs ones where the model sees what it is for (people for a pose model, faces for a face detector)',
  ];
}

/**
 * A note per classifier output judged on too few calibration samples to measure its top-1
 * agreement ({@link samplesToResolve}: 100 at the default budget, where one changed sample is
 * already over it): the check can only say that all agreed, so its class probabilities were held
 * to the score budget too, lest the file change the top class of other inputs whose top two
 * classes are close.
 */
function classifierSampleNotes(fidelity: FidelityReport, budget: FidelityBudget): string[] {
  const needed = samplesToResolve(budget);
  if (!Number.isFinite(needed)) return [];
  return fidelity.outputs.flatMap((f) => {
    if (!judgesProbabilities(f, budget)) return [];
    const judged = f.judgedSamples ?? 0;
    return [`output ${f.output} (classifier): top-1 agreement judged on ${judged} calibration sample(s), each ${(100 / Math.max(judged, 1)).toFixed(1)}% of it; a ${(100 * budget.minTop1Agreement).toFixed(0)}% agreement is measured on ${needed} or more: with fewer, its class probabilities are held to ±${budget.maxScoreChange} too (largest change ${(f.scoreChange ?? 0).toFixed(4)}), so that inputs whose top two classes are close keep theirs (give more calibration inputs to judge top-1 alone)`];
  });
}

/** What the original does under one grey level of jitter, and what it leaves unjudged in the marked `reference`. */
function jitterReason(f: FidelityReport, reference: readonly (readonly OutputBatch[])[], kinds: readonly OutputKind[]): string {
  let unjudged = 0;
  for (const batch of reference) for (const out of batch) for (const u of out.unstable ?? []) if (u) unjudged++;
  // The entries each kind can leave unjudged (a continuous metric, relative error or cosine, keeps every value).
  const entries: Partial<Record<OutputKind, string>> = { classifier: 'samples', keypoints: 'keypoints', score: 'scores', 'detection-scores': 'scores', detections: 'detections', 'nms-boxes': 'detections', mask: 'mask pixels' };
  const which = [...new Set(kinds.flatMap((k) => entries[k] ?? []))];
  const what = which.length > 0 ? ` (${which.join(', ')})` : '';
  return `the original on the calibration jittered by one grey level: worst error ${worstError(f).toFixed(4)}; ${unjudged} ${unjudged === 1 ? 'entry' : 'entries'} it changes beyond the budget${what} ${unjudged === 1 ? 'is' : 'are'} not judged`;
}

/** The calibration batches a plan is verified on, in words: "it" (one), "both", "all 3". */
const verifiedOn = (n: number): string => (n === 1 ? 'it' : n === 2 ? 'both' : `all ${n}`);

/** `n` calibration batches, in words: "1 calibration batch", "2 calibration batches". */
const batches = (n: number): string => `${n} calibration batch${n === 1 ? '' : 'es'}`;
