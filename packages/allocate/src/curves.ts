/**
 * Sensitivity curves: measured validation accuracy per level turned into a non-decreasing
 * "error increase" curve (noise that makes a harsher level look better is flattened away).
 */

/** Error increase (fraction) at each level, levels ascending in harshness order of the caller. */
export interface Curve {
  /** Levels (sparsities ascending, or bits descending). */
  readonly levels: readonly number[];
  /** Error increase over the baseline at each level, ≥ 0 and non-decreasing along `levels`. */
  readonly increase: readonly number[];
}

/**
 * The curve of a row of accuracies measured at `levels` (ordered from mildest to harshest):
 * `increase[i] = max over j ≤ i of max(0, baseline − accuracy[j])`.
 */
export function damageCurve(levels: readonly number[], accuracy: readonly number[], baseline: number): Curve {
  let worst = 0;
  const increase = accuracy.map((a) => (worst = Math.max(worst, baseline - a)));
  return { levels: [...levels], increase };
}

/**
 * Linear interpolation of a sparsity curve at `x` (levels ascending); below the first level the
 * curve runs linearly from (0, 0), beyond the last it is the last value.
 */
export function interpolate(curve: Curve, x: number): number {
  const { levels, increase } = curve;
  let x0 = 0;
  let y0 = 0;
  for (let i = 0; i < levels.length; i++) {
    if (x <= levels[i]) return levels[i] === x0 ? increase[i] : y0 + ((increase[i] - y0) * (x - x0)) / (levels[i] - x0);
    x0 = levels[i];
    y0 = increase[i];
  }
  return y0;
}
