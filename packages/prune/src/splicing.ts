/**
 * The splicing side of the prune stage: dense shadow values of the selected tensors that survive
 * pruning rounds, and one retraining run with {@link createSplicingHooks}.
 */
import { mapParams } from '@dc/core';
import type { Model, PruneMasks, StageContext, TrainingHooks, TrainingService } from '@dc/core';
import type { RetrainOptions } from './options.js';
import type { Selected } from './select.js';
import { createSplicingHooks, type SplicedTensor } from './splicing-hooks.js';

/** One retraining run of a round. */
export interface RetrainRun {
  readonly trainer: TrainingService;
  readonly retrain: RetrainOptions;
  readonly epochs: number;
  readonly ctx: StageContext;
  /** Progress label. */
  readonly label: string;
}

/** Runs the trainer with `hooks`, reporting epochs as progress. */
export async function fineTune(model: Model, hooks: TrainingHooks, ft: RetrainRun): Promise<Model> {
  let epoch = 0;
  const { retrain } = ft;
  const tuned = await ft.trainer.fineTune(model, {
    epochs: ft.epochs,
    learningRate: retrain.learningRate,
    ...(retrain.batchSize ? { batchSize: retrain.batchSize } : {}),
    ...(retrain.optimizer ? { optimizer: retrain.optimizer } : {}),
    ...hooks,
    signal: ft.ctx.signal,
    onEpochEnd: () => ft.ctx.progress({ label: ft.label, current: ++epoch, total: ft.epochs }),
  });
  ft.ctx.throwIfAborted();
  return tuned.model;
}

/** Shadow values of the selected tensors across rounds. */
export interface Shadow {
  /** Masks of earlier stages only: what splicing may never bring back. */
  readonly prior: PruneMasks;
  /** The model with every selected tensor at its dense shadow values. */
  model(): Model;
  /**
   * Retrains `model` (the masked shadow) with splicing: a tensor's threshold is its smallest kept
   * magnitude at the start. Updates the shadow. Returns the trained model, the masks the training
   * ended with, and how many pruned weights the trainer left non-zero.
   */
  retrain(model: Model, masks: PruneMasks, hysteresis: number, ft: RetrainRun): Promise<{ model: Model; masks: Map<string, Uint8Array>; violations: number }>;
  /**
   * Brings back, per tensor, the largest-magnitude pruned (and allowed) weights until `kept` of
   * them are kept; masks that keep enough already are returned as they are.
   */
  reviveTo(masks: PruneMasks, kept: ReadonlyMap<string, number>): Map<string, Uint8Array>;
}

/** Starts shadow values from `input` (earlier stages' pruned weights are 0 and stay pruned). */
export function createShadow(input: Model, selected: readonly Selected[], prior: PruneMasks | undefined): Shadow {
  const keys = new Set(selected.map((s) => s.ref.key));
  const values = new Map<string, Float32Array>();
  mapParams(input, (ref) => {
    if (keys.has(ref.key)) values.set(ref.key, new Float32Array(ref.tensor.values));
    return undefined;
  });
  const priorOnly = new Map(prior ?? []);
  // The latest trained model: biases and unselected tensors come from it.
  let latest = input;
  const model = (base: Model) => mapParams(base, (ref) => (values.has(ref.key) ? { shape: [...ref.tensor.shape], values: new Float32Array(values.get(ref.key)!) } : undefined));
  return {
    prior: priorOnly,
    model: () => model(latest),
    reviveTo(masks, kept) {
      const out = new Map(masks);
      for (const [key, target] of kept) {
        const mask = masks.get(key);
        const shadow = values.get(key);
        if (!mask || !shadow) continue;
        const deficit = target - mask.reduce((a, b) => a + b, 0);
        if (deficit <= 0) continue;
        const allowed = priorOnly.get(key);
        const candidates = [...mask.keys()].filter((i) => mask[i] === 0 && (!allowed || allowed[i] === 1)).sort((a, b) => Math.abs(shadow[b]) - Math.abs(shadow[a]) || a - b);
        const next = new Uint8Array(mask);
        for (const i of candidates.slice(0, deficit)) next[i] = 1;
        out.set(key, next);
      }
      return out;
    },
    async retrain(current, masks, hysteresis, ft) {
      const spliced = new Map<string, SplicedTensor>();
      for (const [key, shadow] of values) {
        const low = smallestKept(shadow, masks.get(key)!);
        const allowed = priorOnly.get(key);
        spliced.set(key, { shadow, mask: masks.get(key)!, ...(allowed ? { allowed } : {}), low, high: low * (1 + hysteresis) });
      }
      const hooks = createSplicingHooks(spliced, masks);
      let tuned: Model;
      let state: Map<string, { shadow: Float32Array; mask: Uint8Array }>;
      try {
        tuned = await fineTune(current, hooks.hooks, ft);
        state = hooks.read();
      } finally {
        hooks.dispose();
      }
      // Kept weights take the trained values; pruned ones the shadow the hooks carried.
      let violations = 0;
      mapParams(tuned, (ref) => {
        const s = state.get(ref.key);
        if (!s) return undefined;
        const shadow = values.get(ref.key)!;
        for (let i = 0; i < shadow.length; i++) {
          if (s.mask[i] === 1) shadow[i] = ref.tensor.values[i];
          else {
            if (!Object.is(ref.tensor.values[i], 0)) violations++;
            shadow[i] = priorOnly.get(ref.key)?.[i] === 0 ? 0 : s.shadow[i];
          }
        }
        return undefined;
      });
      latest = tuned;
      return { model: model(tuned), masks: new Map([...state].map(([key, s]) => [key, s.mask])), violations };
    },
  };
}

/** The smallest magnitude among kept weights (0 when none is kept). */
function smallestKept(values: Float32Array, mask: Uint8Array): number {
  let min = Infinity;
  for (let i = 0; i < values.length; i++) if (mask[i] === 1) min = Math.min(min, Math.abs(values[i]));
  return Number.isFinite(min) ? min : 0;
}

/** Weights pruned in `start` and kept in `end`, over all tensors. */
export function countRevived(start: PruneMasks, end: PruneMasks): number {
  let n = 0;
  for (const [key, a] of start) {
    const b = end.get(key);
    if (b) for (let i = 0; i < a.length; i++) if (a[i] === 0 && b[i] === 1) n++;
  }
  return n;
}
