import { listParams, type Model } from '@dc/core';

/** One bar of a weight histogram. */
export interface HistogramBin {
  layer: string;
  phase: string;
  /** Lower edge of the bin. */
  start: number;
  end: number;
  count: number;
}

/**
 * Histograms of each kernel's nonzero weights (zeros are pruned weights and would dwarf the rest),
 * over the same range per layer so phases compare bin by bin.
 */
export function weightHistograms(phases: ReadonlyArray<{ phase: string; model: Model }>, bins = 60): HistogramBin[] {
  const out: HistogramBin[] = [];
  const kernels = (m: Model) => listParams(m).filter((p) => p.param === 'kernel');
  for (const ref of kernels(phases[0].model)) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of ref.tensor.values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const width = (hi - lo) / bins || 1;
    for (const { phase, model } of phases) {
      const values = kernels(model).find((p) => p.key === ref.key)?.tensor.values;
      if (!values) continue;
      const counts = new Array<number>(bins).fill(0);
      for (const v of values) if (v !== 0) counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]++;
      counts.forEach((count, i) => out.push({ layer: ref.layer.name, phase, start: lo + i * width, end: lo + (i + 1) * width, count }));
    }
  }
  return out;
}
