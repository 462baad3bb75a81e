/**
 * Sensitivity analysis (Han et al. 2015, Fig. 5): prune one layer at a time at several levels,
 * without retraining, and measure held-out accuracy; then pick per-layer levels for an allowed
 * accuracy drop.
 */
import { assertOption, DcError, mapParams, optionChecks, WEIGHT_PARAMS } from '@dc/core';
import type { Model, OptionChecks, OptionKeys, ProgressEvent, TrainingService } from '@dc/core';
import { applyMask, pruneByThreshold, pruneToSparsity, stdThreshold } from './magnitude.js';
import { selectLayers } from './select.js';

/** Options of {@link analyzeSensitivity}. Give `trainer` or `evaluate`. */
export interface SensitivityOptions {
  /** Levels to try: sparsities in [0, 1) or qualities ≥ 0, per `mode`. */
  readonly levels: readonly number[];
  /** What a level means: a target sparsity (default) or the std rule's quality. */
  readonly mode?: 'sparsity' | 'quality';
  /** Layers to analyse; default every dense and conv2d layer. */
  readonly layers?: readonly string[];
  /** Held-out accuracy through a training service. */
  readonly trainer?: Pick<TrainingService, 'evaluate'>;
  /** Or any function giving held-out accuracy in [0, 1]. */
  readonly evaluate?: (model: Model) => number | Promise<number>;
  readonly signal?: AbortSignal;
  /** Called after each evaluation. */
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** One layer's row: accuracy (and kept share) at each level. */
export interface SensitivityRow {
  readonly layer: string;
  readonly accuracy: number[];
  /** Kept share of the layer's kernel at each level, in percent. */
  readonly keptPercent: number[];
}

/** The result of {@link analyzeSensitivity}: layer × level → accuracy. */
export interface SensitivityTable {
  readonly mode: 'sparsity' | 'quality';
  /** Levels, ascending. */
  readonly levels: number[];
  /** Accuracy of the unpruned model. */
  readonly baseline: number;
  readonly rows: SensitivityRow[];
}

const check: OptionChecks = optionChecks('dc:sensitivity');
const KEYS: OptionKeys<SensitivityOptions> = { levels: true, mode: true, layers: true, trainer: true, evaluate: true, signal: true, onProgress: true };

/** Prunes each layer's kernel alone at each level and evaluates the model; see {@link SensitivityOptions}. */
export async function analyzeSensitivity(model: Model, options: SensitivityOptions): Promise<SensitivityTable> {
  check.object(options, 'sensitivity', KEYS);
  const { mode = 'sparsity', trainer, evaluate, signal, onProgress } = options;
  check.oneOf(mode, 'sensitivity.mode', ['sparsity', 'quality']);
  check.that(Array.isArray(options.levels) && options.levels.length > 0, 'sensitivity.levels', 'must be a non-empty array');
  for (const l of options.levels) check.number(l, 'sensitivity.levels', mode === 'sparsity' ? { min: 0, below: 1 } : { min: 0 });
  if (options.layers !== undefined) check.names(options.layers, 'sensitivity.layers');
  check.that((trainer === undefined) !== (evaluate === undefined), 'sensitivity.evaluate', 'give exactly one of trainer and evaluate');
  check.that(trainer === undefined || typeof trainer.evaluate === 'function', 'sensitivity.trainer', 'must have an evaluate(model) method');
  check.that(evaluate === undefined || typeof evaluate === 'function', 'sensitivity.evaluate', 'must be a function of the model');
  check.that(onProgress === undefined || typeof onProgress === 'function', 'sensitivity.onProgress', 'must be a function');
  check.that(signal === undefined || signal instanceof AbortSignal, 'sensitivity.signal', 'must be an AbortSignal');
  const accuracyOf = async (m: Model): Promise<number> => (trainer ? (await trainer.evaluate(m)).accuracy : await evaluate!(m));
  const levels = [...new Set(options.levels)].sort((a, b) => a - b);
  const layers = selectLayers(model, { kind: 'sparsity', target: 0, ...(options.layers ? { layers: options.layers } : {}) });

  const abortCheck = () => {
    if (signal?.aborted) throw new DcError('ABORTED', 'sensitivity analysis aborted', { cause: signal.reason });
  };
  const baseline = await accuracyOf(model);
  const total = layers.length * levels.length;
  const rows: SensitivityRow[] = [];
  for (const [li, layer] of layers.entries()) {
    const accuracy: number[] = [];
    const keptPercent: number[] = [];
    for (const [vi, level] of levels.entries()) {
      abortCheck();
      const pruned = mapParams(model, (ref) => {
        if (ref.layer.name !== layer || !WEIGHT_PARAMS.includes(ref.param)) return undefined;
        const input = { values: ref.tensor.values };
        const { mask } = mode === 'sparsity' ? pruneToSparsity(input, level) : pruneByThreshold(input, stdThreshold(input, level));
        // A recurrent layer's recurrent kernel is pruned with its kernel; the kernel's share is reported.
        if (ref.param === 'kernel') keptPercent.push((100 * mask.reduce((a, b) => a + b, 0)) / mask.length);
        return { shape: [...ref.tensor.shape], values: applyMask(ref.tensor.values, mask) };
      });
      accuracy.push(await accuracyOf(pruned));
      onProgress?.({ label: `sensitivity ${layer} @ ${level}`, current: li * levels.length + vi + 1, total });
    }
    rows.push({ layer, accuracy, keptPercent });
  }
  return { mode, levels, baseline, rows };
}

/**
 * Per layer, the highest level whose accuracy, and that of every lower level, stays within
 * `maxDrop` of the baseline (accuracy as a fraction: `0.005` is half a percentage point); 0 when
 * even the lowest level drops too much. The result plugs into the stage:
 * `pruneLowMagnitude({ [table.mode]: pickQualities(table, 0.005) })`.
 */
export function pickQualities(table: SensitivityTable, maxDrop: number): Record<string, number> {
  assertOption(typeof maxDrop === 'number' && Number.isFinite(maxDrop) && maxDrop >= 0, 'maxDrop', `must be a non-negative number, got ${String(maxDrop)}`);
  const floor = table.baseline - maxDrop;
  const out: Record<string, number> = {};
  for (const row of table.rows) {
    let pick = 0;
    for (let i = 0; i < table.levels.length && row.accuracy[i] >= floor; i++) pick = table.levels[i];
    out[row.layer] = pick;
  }
  return out;
}
