/** How a batch is shared between threads. */

/** A contiguous run of samples. */
export interface BatchPart {
  readonly start: number;
  readonly count: number;
}

/**
 * Splits `batch` samples into at most `parts` contiguous runs as even as possible, in whole groups
 * of `unit` samples (the conv kernel's 16 SIMD lanes) except for the batch's last group. Runs
 * without samples are left out.
 */
export function splitBatch(batch: number, parts: number, unit = 16): BatchPart[] {
  const groups = Math.ceil(batch / unit);
  const out: BatchPart[] = [];
  let start = 0;
  for (let i = 0; i < parts && start < batch; i++) {
    const g = Math.floor(groups / parts) + (i < groups % parts ? 1 : 0);
    const count = Math.min(g * unit, batch - start);
    if (count > 0) out.push({ start, count });
    start += count;
  }
  return out;
}
