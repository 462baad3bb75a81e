/**
 * The one shape of a per-tensor metrics row, shared by every stage (`metrics.layers` of prune,
 * cluster and Huffman), so reports read `kept` the same way everywhere: a count, with the share
 * beside it as `keptFraction`. Stages add their own fields to the row (a threshold, a codebook
 * size, bits per index).
 */

/** One tensor's row in a stage's `metrics.layers`; stages extend it with their own fields. */
export type TensorMetricRow = {
  /** Parameter key `<layer>/<param>`, e.g. `ip1/kernel`. */
  readonly tensor: string;
  /** Parameters in the tensor. */
  readonly params: number;
  /** Parameters kept (not pruned): a count. */
  readonly kept: number;
  /** `kept / params` in [0, 1] (1 for an empty tensor). */
  readonly keptFraction: number;
  /** Bits per code, when the tensor is stored as codebook indices; absent otherwise. */
  readonly bits?: number;
};

/** Totals over rows, in the same vocabulary: `metrics.total`. */
export type TensorTotals = {
  readonly params: number;
  readonly kept: number;
  readonly keptFraction: number;
};

function fraction(kept: number, params: number): number {
  return params === 0 ? 1 : kept / params;
}

/** A row for `tensor` with `kept` of `params` parameters kept (and `bits` per code when clustered). */
export function tensorMetricRow(tensor: string, params: number, kept: number, bits?: number): TensorMetricRow {
  return { tensor, params, kept, keptFraction: fraction(kept, params), ...(bits === undefined ? {} : { bits }) };
}

/** The totals of `rows`. */
export function tensorTotals(rows: readonly Pick<TensorMetricRow, 'params' | 'kept'>[]): TensorTotals {
  const params = rows.reduce((n, r) => n + r.params, 0);
  const kept = rows.reduce((n, r) => n + r.kept, 0);
  return { params, kept, keptFraction: fraction(kept, params) };
}
