/**
 * Magnitude pruning on plain arrays: thresholds from the std rule or from a target sparsity, and
 * the masks they give. A mask holds 1 where a weight is kept, 0 where it is pruned; a weight that
 * an earlier mask pruned stays pruned.
 */
import quickselect from 'quickselect';

/** Values of one tensor with its current mask (absent: all kept). */
export interface MaskedValues {
  readonly values: Float32Array;
  readonly mask?: Uint8Array;
}

/** A new mask and the magnitude threshold that produced it. */
export interface PruneResult {
  readonly mask: Uint8Array;
  /** Weights with `|w| < threshold` are pruned (ties at the threshold may be split to hit a count). */
  readonly threshold: number;
}

function isKept(mask: Uint8Array | undefined, i: number): boolean {
  return mask === undefined || mask[i] === 1;
}

/** Number of weights the mask keeps (all when there is no mask). */
export function countKept(length: number, mask?: Uint8Array): number {
  if (!mask) return length;
  let n = 0;
  for (let i = 0; i < length; i++) n += mask[i];
  return n;
}

/** Population standard deviation of the weights the mask keeps (0 when none is kept). */
export function keptStd({ values, mask }: MaskedValues): number {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) if (isKept(mask, i)) { n++; sum += values[i]; }
  if (n === 0) return 0;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < values.length; i++) if (isKept(mask, i)) ss += (values[i] - mean) ** 2;
  return Math.sqrt(ss / n);
}

/** The paper's rule: `quality × std` of the kept weights. */
export function stdThreshold(input: MaskedValues, quality: number): number {
  return quality * keptStd(input);
}

/** Prunes every weight with `|w| < threshold`; earlier-pruned weights stay pruned. */
export function pruneByThreshold({ values, mask }: MaskedValues, threshold: number): PruneResult {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = isKept(mask, i) && Math.abs(values[i]) >= threshold ? 1 : 0;
  return { mask: out, threshold };
}

/**
 * Prunes the `count` smallest-magnitude weights over all `inputs` (one shared threshold), on top
 * of what their masks already prune. Ties at the threshold are pruned in index order, so exactly
 * `min(count, kept)` more weights are pruned.
 */
export function pruneSmallest(inputs: readonly MaskedValues[], count: number): PruneResult[] {
  const kept: number[] = inputs.map(({ values, mask }) => countKept(values.length, mask));
  const total = kept.reduce((a, b) => a + b, 0);
  const m = Math.max(0, Math.min(Math.round(count), total));
  const copyMasks = () => inputs.map(({ values, mask }) => (mask ? new Uint8Array(mask) : new Uint8Array(values.length).fill(1)));
  if (m === 0) return copyMasks().map((mask) => ({ mask, threshold: 0 }));

  const magnitudes = new Float32Array(total);
  let j = 0;
  for (const { values, mask } of inputs) for (let i = 0; i < values.length; i++) if (isKept(mask, i)) magnitudes[j++] = Math.abs(values[i]);
  const threshold = mthSmallest(magnitudes, m);
  let below = 0;
  for (let i = 0; i < magnitudes.length; i++) if (magnitudes[i] < threshold) below++;
  let tiesToPrune = m - below;

  const masks = copyMasks();
  inputs.forEach(({ values }, t) => {
    const out = masks[t];
    for (let i = 0; i < values.length; i++) {
      if (out[i] === 0) continue;
      const a = Math.abs(values[i]);
      if (a < threshold) out[i] = 0;
      else if (a === threshold && tiesToPrune > 0) { out[i] = 0; tiesToPrune--; }
    }
  });
  return masks.map((mask) => ({ mask, threshold }));
}

/**
 * The `m`-th smallest of `magnitudes` (1-based; reorders them): a selection in linear time, where
 * sorting all of them took most of the time of pruning a large tensor. NaN (which no comparison
 * places) falls back to the sort, which puts it last.
 */
function mthSmallest(magnitudes: Float32Array, m: number): number {
  if (magnitudes.some(Number.isNaN)) return magnitudes.sort()[m - 1];
  // quickselect is typed for arrays; it only indexes and swaps, which a Float32Array does alike.
  quickselect(magnitudes as unknown as number[], m - 1);
  return magnitudes[m - 1];
}

/**
 * Prunes a fraction `sparsity` of one tensor's weights (counting those already pruned), to the
 * nearest weight: after this, `round(sparsity × n)` weights are pruned, or more if the mask already
 * pruned more.
 */
export function pruneToSparsity(input: MaskedValues, sparsity: number): PruneResult {
  return pruneGlobal([input], sparsity)[0];
}

/** Like {@link pruneToSparsity} with one threshold over all `inputs` together. */
export function pruneGlobal(inputs: readonly MaskedValues[], sparsity: number): PruneResult[] {
  const n = inputs.reduce((a, { values }) => a + values.length, 0);
  const pruned = inputs.reduce((a, { values, mask }) => a + values.length - countKept(values.length, mask), 0);
  return pruneSmallest(inputs, Math.round(sparsity * n) - pruned);
}

/** `values` with the pruned positions set to exactly `+0`. */
export function applyMask(values: Float32Array, mask: Uint8Array): Float32Array {
  const out = new Float32Array(values);
  for (let i = 0; i < out.length; i++) if (mask[i] === 0) out[i] = 0;
  return out;
}
