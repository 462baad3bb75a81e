/**
 * The `dc:seeded-connectivity` stage: prunes each selected kernel to a mask drawn from a seed
 * (core's `connectivityMask`), then retrains with the mask fixed. A file stores such a tensor's
 * seed instead of its positions (docs/format.md §2.10), so its weights cost their codes only;
 * brotli or gzip of the dense weights still pays for every position.
 */
import { connectivityForDensity, connectivityHash, connectivityMask, DcError, mapParams, optionChecks } from '@dc/core';
import type { JsonValue, Model, OptionChecks, OptionKeys, PruneMasks, SeededConnectivity, Stage, StageContext, StageOutput } from '@dc/core';
import { createMaskHooks } from './mask-hooks.js';
import { applyMasks, countMaskViolations } from './masks.js';
import { measure } from './metrics.js';
import { checkRetrain, type PerLayer, type RetrainOptions } from './options.js';
import { selectTensors } from './select.js';
import { fineTune } from './splicing.js';

/** The stage name, used in errors and reports. */
export const SEEDED_STAGE_NAME = 'dc:seeded-connectivity';

/** Options of {@link seededConnectivity}. */
export interface SeededConnectivityOptions {
  /** Expected share of each selected kernel's weights that stay connected, in (0, 1). */
  readonly density: PerLayer;
  /** Unsigned 32-bit seed; each tensor draws from its own seed derived from it. Default: from the pipeline's random source. */
  readonly seed?: number;
  /** Layers to mask. Default: every dense and conv2d layer (or the layers named in a per-layer `density`). */
  readonly layers?: readonly string[];
  /**
   * Multiply the connected weights by `1 / √density`, keeping each unit's input variance: for a
   * freshly initialised network (training from scratch on the mask). Default false.
   */
  readonly rescale?: boolean;
  /** Fine-tuning with the mask fixed; needs `ctx.trainer`. Default: none. */
  readonly retrain?: RetrainOptions;
  /** Evaluate accuracy after retraining when a trainer is present. Default true. */
  readonly evaluate?: boolean;
}

const check: OptionChecks = optionChecks(SEEDED_STAGE_NAME);
const KEYS: OptionKeys<SeededConnectivityOptions> = { density: true, seed: true, layers: true, rescale: true, retrain: true, evaluate: true };

function checkDensity(value: unknown, option: string): void {
  check.number(value, option, { above: 0, below: 1 });
}

function resolve(options: SeededConnectivityOptions): Required<Pick<SeededConnectivityOptions, 'density' | 'rescale' | 'evaluate'>> & SeededConnectivityOptions {
  check.object<SeededConnectivityOptions>(options, 'options', KEYS);
  const { density, seed, layers, rescale = false, retrain, evaluate = true } = options;
  if (typeof density === 'object' && density !== null) check.record(density, 'density', checkDensity);
  else checkDensity(density, 'density');
  if (seed !== undefined) check.number(seed, 'seed', { integer: true, min: 0, below: 2 ** 32 });
  if (layers !== undefined) check.names(layers, 'layers');
  check.boolean(rescale, 'rescale');
  check.boolean(evaluate, 'evaluate');
  if (retrain !== undefined) checkRetrain(retrain, check);
  return { ...options, density, rescale, evaluate };
}

/**
 * The `density` of {@link seededConnectivity} that keeps what `sparsity` (a `pruneLowMagnitude`
 * target) keeps: `1 − s` per layer; layers at sparsity 0 are left out (they stay whole).
 */
export function densityOfSparsity(sparsity: PerLayer): PerLayer {
  if (typeof sparsity === 'number') return 1 - sparsity;
  return Object.fromEntries(Object.entries(sparsity).filter(([, s]) => s > 0).map(([layer, s]) => [layer, 1 - s]));
}

/**
 * Creates the seeded connectivity stage. Each selected kernel keeps the weights its seeded mask
 * connects (expected share `density`) and the rest become exactly `0`; with `retrain`, the model
 * is fine-tuned with the masks fixed (gradients masked, pruned weights re-zeroed). Provides
 * `prune/masks` and `prune/connectivity` (each tensor's seed and keep threshold), which
 * `dc:encode` uses to store the seed in place of the positions. Masks from an earlier stage are
 * respected (a pruned weight stays pruned); a later `pruneLowMagnitude` may prune within the
 * connected weights.
 *
 * @example
 * ```ts
 * createPipeline()
 *   .use(seededConnectivity({ density: { ip1: 0.12, ip2: 0.3, ip3: 0.8 }, seed: 7, retrain: { epochs: 60, learningRate: 1e-3 } }))
 *   .use(clusterWeights({ bits: 4 }))
 *   .use(encodeFile({ header: 'compact', coders: [huffmanCoder] }));
 * ```
 */
export function seededConnectivity(options: SeededConnectivityOptions): Stage<never, 'prune/masks' | 'prune/connectivity'> {
  const o = resolve(options);
  const select = (model: Model) => selectTensors(model, { kind: 'sparsity', target: o.density, ...(o.layers ? { layers: o.layers } : {}), pruneBiases: false, rounds: 1, schedule: { kind: 'constant' }, evaluate: o.evaluate });
  return {
    name: SEEDED_STAGE_NAME,
    options: JSON.parse(JSON.stringify({ density: o.density, seed: o.seed, layers: o.layers, rescale: o.rescale, retrain: o.retrain, evaluate: o.evaluate })) as JsonValue,
    requires: [],
    provides: ['prune/masks', 'prune/connectivity'],
    uses: ['prune/masks'],
    changes: ['values', 'zeros'],
    checkModel: (model) => void select(model),
    apply: ({ model, artifacts }, ctx) => run(model, artifacts['prune/masks'], o, select(model), ctx),
  };
}

async function run(input: Model, prior: PruneMasks | undefined, o: ReturnType<typeof resolve>, selected: ReturnType<typeof selectTensors>, ctx: StageContext): Promise<StageOutput<'prune/masks' | 'prune/connectivity'>> {
  const trainer = ctx.trainer;
  if (o.retrain && !trainer) throw new DcError('TRAINER_REQUIRED', 'option "retrain" needs a training service: pass `trainer` to pipeline.run()', { stage: SEEDED_STAGE_NAME, option: 'retrain' });
  const base = o.seed ?? Math.floor(ctx.random.fork(SEEDED_STAGE_NAME).next() * 2 ** 32);
  const masks = new Map<string, Uint8Array>(prior ?? []);
  const connectivity = new Map<string, SeededConnectivity>();
  const scales = new Map<string, number>();
  selected.forEach((s, t) => {
    // Each tensor its own seed, so two kernels of one size get different masks.
    const c = connectivityForDensity(connectivityHash(t, base), s.final);
    const drawn = connectivityMask(c, s.ref.tensor.values.length);
    const before = masks.get(s.ref.key);
    if (before) for (let i = 0; i < drawn.length; i++) drawn[i] &= before[i];
    masks.set(s.ref.key, drawn);
    connectivity.set(s.ref.key, c);
    if (o.rescale) scales.set(s.ref.key, 1 / Math.sqrt(s.final));
  });
  let model = applyMasks(rescaled(input, scales), masks);
  let maskViolations = 0;
  const epochs = o.retrain?.epochs ?? 0;
  if (trainer && o.retrain && epochs > 0) {
    const hooks = createMaskHooks(masks);
    try {
      model = await fineTune(model, hooks.hooks, { trainer, retrain: o.retrain, epochs, ctx, label: 'retrain on the seeded masks' });
    } finally {
      hooks.dispose();
    }
    maskViolations = countMaskViolations(model, masks);
    if (maskViolations > 0) ctx.reporter.warn(`the trainer left ${maskViolations} pruned weights non-zero; re-zeroed`);
    model = applyMasks(model, masks);
  }
  const evaluation = trainer && o.evaluate ? await trainer.evaluate(model) : undefined;
  const totals = measure(model, masks, new Map());
  const acc = evaluation ? `, accuracy ${(100 * evaluation.accuracy).toFixed(2)}%` : '';
  ctx.reporter.info(`seeded masks keep ${(100 * totals.total.keptFraction).toFixed(2)}% of the masked weights${acc}`);
  return {
    model,
    artifacts: { 'prune/masks': masks, 'prune/connectivity': connectivity },
    metrics: { ...totals, seed: base, epochs, maskViolations, ...(evaluation ? { accuracy: evaluation.accuracy, loss: evaluation.loss } : {}) },
  };
}

/** `model` with the kernels in `scales` multiplied by their factor. */
function rescaled(model: Model, scales: ReadonlyMap<string, number>): Model {
  return mapParams(model, (ref) => {
    const f = scales.get(ref.key);
    return f === undefined ? undefined : { shape: [...ref.tensor.shape], values: ref.tensor.values.map((v) => v * f) };
  });
}
