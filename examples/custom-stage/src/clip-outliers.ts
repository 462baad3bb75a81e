import { defineStage, isWeight, listParams, mapParams, optionChecks, type OptionChecks, type OptionKeys, type Stage } from '@dc/core';

/** The range each kernel was clipped to, by parameter key. */
export type ClipRanges = ReadonlyMap<string, { readonly low: number; readonly high: number; readonly clipped: number }>;

// A third-party artifact: added to the registry by module augmentation, typed everywhere after.
declare module '@dc/core' {
  interface ArtifactMap {
    'example/clip-ranges': ClipRanges;
  }
}

/** Options of {@link clipOutliers}. */
export interface ClipOutliersOptions {
  /** Clip each kernel to mean ± `sigmas` standard deviations of its nonzero weights. Default 3. */
  sigmas?: number;
}

const STAGE = 'example:clip-outliers';
// The compiler checks this list against the interface; core's checks reject any other key.
const KEYS: OptionKeys<ClipOutliersOptions> = { sigmas: true };
const check: OptionChecks = optionChecks(STAGE);

/**
 * Clips outlying weights of every kernel to mean ± k·std of its nonzero weights. Pruned weights
 * (zeros) stay exactly zero. Clipping before clustering spends the codebook on the bulk of the
 * distribution instead of a few extremes. It declares `changes: ['values']`: it moves weights but
 * keeps pruned ones at zero, so masks made before it stay valid while codebooks would not (the
 * pipeline rejects clustering before clipping, then encoding).
 */
export function clipOutliers(options: ClipOutliersOptions = {}): Stage<never, 'example/clip-ranges'> {
  check.object<ClipOutliersOptions>(options, 'options', KEYS);
  const sigmas = options.sigmas ?? 3;
  check.number(sigmas, 'sigmas', { above: 0 });
  return defineStage({
    name: STAGE,
    options: { sigmas },
    requires: [],
    provides: ['example/clip-ranges'],
    changes: ['values'],
    async apply({ model }, ctx) {
      const ranges = new Map<string, { low: number; high: number; clipped: number }>();
      const refs = listParams(model).filter(isWeight);
      const clippedModel = mapParams(model, (ref) => {
        if (!isWeight(ref)) return undefined;
        const { low, high } = clipRange(ref.tensor.values, sigmas);
        let clipped = 0;
        const values = ref.tensor.values.map((v) => {
          if (v === 0) return 0;
          const c = Math.min(high, Math.max(low, v));
          if (c !== v) clipped++;
          return c;
        });
        ranges.set(ref.key, { low, high, clipped });
        ctx.progress({ label: `clip ${ref.key}`, current: ranges.size, total: refs.length });
        return { shape: ref.tensor.shape, values };
      });
      const total = [...ranges.values()].reduce((n, r) => n + r.clipped, 0);
      ctx.reporter.info(`clipped ${total} weights`);
      return { model: clippedModel, artifacts: { 'example/clip-ranges': ranges }, metrics: { clipped: total } };
    },
  });
}

function clipRange(values: Float32Array, sigmas: number): { low: number; high: number } {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (const v of values) {
    if (v === 0) continue;
    n++;
    sum += v;
    sq += v * v;
  }
  if (n === 0) return { low: 0, high: 0 };
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, sq / n - mean * mean));
  return { low: mean - sigmas * std, high: mean + sigmas * std };
}
