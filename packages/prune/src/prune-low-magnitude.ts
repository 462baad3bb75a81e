/**
 * The `dc:prune` stage: magnitude pruning with retraining (Han et al. 2015; Deep Compression §2).
 */
import { DcError } from '@dc/core';
import type { JsonValue, Model, PruneMasks, Stage, StageContext, StageOutput } from '@dc/core';
import { countKept } from './magnitude.js';
import { createMaskHooks } from './mask-hooks.js';
import { applyMasks, countMaskViolations, pruneRound } from './masks.js';
import { countRevived, createShadow, fineTune, type RetrainRun } from './splicing.js';
import { measure, type RoundMetrics } from './metrics.js';
import { resolveOptions, STAGE_NAME, type PruneLowMagnitudeOptions, type ResolvedOptions } from './options.js';
import { scheduleValue } from './schedule.js';
import { selectTensors, type Selected } from './select.js';

/**
 * Creates the magnitude pruning stage. Each of `rounds` rounds prunes the selected tensors to the
 * round's target (from `schedule`), then, with `retrain`, fine-tunes through `ctx.trainer` while
 * masking the gradients of pruned weights and re-zeroing them after every step, so pruned weights
 * stay exactly `0`. Masks from an earlier stage (`prune/masks`) are respected: a pruned weight
 * stays pruned. Provides `prune/masks` (1 = kept) for every masked tensor.
 *
 * Options are validated here, eagerly (`INVALID_OPTION` naming the option, unknown keys
 * included); layer names are checked against the model by `checkModel`, which the pipeline runs
 * before its first stage (`UNKNOWN_LAYER`, listing the valid names), and again at the start of
 * `apply`.
 *
 * @example
 * ```ts
 * createPipeline().use(pruneLowMagnitude({
 *   sparsity: { ip1: 0.92, ip2: 0.91, ip3: 0.74 },
 *   rounds: 4, schedule: { kind: 'polynomial' },
 *   retrain: { epochs: 2, learningRate: 1e-4 },
 * }));
 * ```
 */
export function pruneLowMagnitude(options: PruneLowMagnitudeOptions = {}): Stage<never, 'prune/masks'> {
  const resolved = resolveOptions(options);
  return {
    name: STAGE_NAME,
    options: toJson(resolved),
    requires: [],
    provides: ['prune/masks'],
    uses: ['prune/masks'],
    // Pruning zeroes weights and retraining moves the rest: codebooks made before are stale.
    changes: ['values', 'zeros'],
    checkModel: (model) => void selectTensors(model, resolved),
    apply: ({ model, artifacts }, ctx) => runPrune(model, artifacts['prune/masks'], resolved, ctx),
  };
}

function toJson(o: ResolvedOptions): JsonValue {
  return JSON.parse(JSON.stringify({
    [o.kind]: o.target,
    layers: o.layers,
    pruneBiases: o.pruneBiases,
    rounds: o.rounds,
    schedule: o.schedule,
    retrain: o.retrain,
    evaluate: o.evaluate,
    splicing: o.splicing,
  })) as JsonValue;
}

async function runPrune(input: Model, prior: PruneMasks | undefined, o: ResolvedOptions, ctx: StageContext): Promise<StageOutput<'prune/masks'>> {
  const selected = selectTensors(input, o);
  const trainer = ctx.trainer;
  if (o.retrain && !trainer) {
    throw new DcError('TRAINER_REQUIRED', 'option "retrain" needs a training service: pass `trainer` to pipeline.run()', { stage: STAGE_NAME, option: 'retrain' });
  }
  const masks = new Map<string, Uint8Array>(prior ?? []);
  const thresholds = new Map<string, number>();
  let model = applyMasks(input, masks);
  // With splicing, every selected tensor keeps dense shadow values and each round prunes them
  // afresh on top of the earlier stages' masks only, so weights pruned by a round can come back.
  const splice = o.splicing ? createShadow(input, selected, prior) : undefined;
  const rounds: RoundMetrics[] = [];

  for (let r = 1; r <= o.rounds; r++) {
    ctx.throwIfAborted();
    const t0 = performance.now();
    ctx.progress({ label: `round ${r}/${o.rounds}: prune`, current: r - 1, total: o.rounds });
    const targetOf = (s: Selected) => scheduleValue(o.schedule, s.final, r, o.rounds);
    const step = pruneRound(splice ? splice.model() : model, selected, masks, o.kind, targetOf);
    for (const [key, mask] of step.masks) {
      // The threshold of a round that pruned nothing new says nothing; keep the last real one.
      const before = masks.get(key);
      if (splice || !before || countKept(mask.length, before) !== countKept(mask.length, mask)) thresholds.set(key, step.thresholds.get(key)!);
      masks.set(key, mask);
    }
    model = applyMasks(splice ? splice.model() : model, masks);

    let maskViolations = 0;
    let revived: number | undefined;
    const epochs = o.retrain?.epochs ?? 0;
    if (trainer && o.retrain && epochs > 0) {
      const ft = { trainer, retrain: o.retrain, epochs, ctx, label: `round ${r}/${o.rounds}: retrain` };
      if (splice) {
        const spliced = await splice.retrain(model, masks, o.splicing!.hysteresis, ft);
        model = spliced.model;
        // The round ends with the masks training ended with, brought to the round's exact target
        // with as few changes as possible: the smallest kept weights pruned, or the largest
        // shadow values brought back.
        const end = pruneRound(splice.model(), selected, new Map([...masks, ...spliced.masks]), o.kind, targetOf);
        const exact = o.kind === 'sparsity' ? splice.reviveTo(end.masks, keptTargets(selected, step.masks)) : end.masks;
        revived = countRevived(step.masks, exact);
        for (const [key, mask] of exact) masks.set(key, mask);
        maskViolations = spliced.violations;
      } else {
        model = await retrainMasked(model, masks, ft);
        maskViolations = countMaskViolations(model, masks);
      }
      if (maskViolations > 0) ctx.reporter.warn(`round ${r}: the trainer left ${maskViolations} pruned weights non-zero; re-zeroed`);
      model = applyMasks(splice ? splice.model() : model, masks);
    }

    const evaluation = trainer && o.evaluate ? await trainer.evaluate(model) : undefined;
    const totals = measure(model, masks, thresholds);
    const round: RoundMetrics = {
      round: r,
      keptFraction: totals.total.keptFraction,
      targets: Object.fromEntries(step.targets),
      epochs,
      maskViolations,
      ...(revived !== undefined ? { revived } : {}),
      ...(evaluation ? { accuracy: evaluation.accuracy, loss: evaluation.loss } : {}),
      seconds: (performance.now() - t0) / 1000,
    };
    rounds.push(round);
    // Both: the loss is what a model trained on targets (a regressor, an autoencoder) is measured by.
    const acc = evaluation ? `, accuracy ${(100 * evaluation.accuracy).toFixed(2)}%, loss ${evaluation.loss.toPrecision(4)}` : '';
    const back = revived !== undefined ? `, ${revived} spliced back` : '';
    ctx.reporter.info(`round ${r}/${o.rounds}: kept ${(100 * totals.total.keptFraction).toFixed(2)}% of pruned weights${back}${acc}`, round);
    ctx.progress({ label: `round ${r}/${o.rounds}: done`, current: r, total: o.rounds });
  }

  const totals = measure(model, masks, thresholds);
  return {
    model,
    artifacts: { 'prune/masks': masks },
    metrics: { ...totals, rounds },
  };
}

/** Kept weights per tensor of this round's pruning (the exact target of a `sparsity` round). */
function keptTargets(selected: readonly Selected[], masks: ReadonlyMap<string, Uint8Array>): Map<string, number> {
  return new Map(selected.map((s) => [s.ref.key, countKept(masks.get(s.ref.key)!.length, masks.get(s.ref.key))]));
}

/** Fine-tunes with fixed masks (gradients of pruned weights zeroed, pruned weights re-zeroed). */
async function retrainMasked(model: Model, masks: PruneMasks, ft: RetrainRun): Promise<Model> {
  const hooks = createMaskHooks(masks);
  try {
    return await fineTune(model, hooks.hooks, ft);
  } finally {
    hooks.dispose();
  }
}
