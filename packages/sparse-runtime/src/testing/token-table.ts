/**
 * A model whose embedding reads ids computed inside the graph (`x · 1 + 0`: the input as it is),
 * so a test can hand it ids outside the table that a session lets through (the session checks only
 * ids read from the input): a `[5, 3]` table whose row `r` is {@link tableRow}, with zeros that the
 * sparse layouts leave out.
 */
import type { CompressedModel, CompressedTensor } from '@dc/core';

/** Row `r` of the table. */
export const tableRow = (r: number): number[] => [r + 1, 0, r % 2 === 0 ? 0.5 : 0];

/** The table in `layout` (the sparse layouts keep its nonzeros; the coded layouts share one codebook). */
function table(layout: CompressedTensor['layout']): CompressedTensor {
  const values = Float32Array.from(Array.from({ length: 5 }, (_, r) => tableRow(r)).flat());
  const shape = [5, 3];
  const codebook = Float32Array.from(new Set(values));
  const codes = (of: ArrayLike<number>) => Uint8Array.from(of, (v) => codebook.indexOf(v));
  const positions = Uint32Array.from([...values.keys()].filter((p) => values[p] !== 0));
  const nonzeros = Float32Array.from(positions, (p) => values[p]);
  if (layout === 'dense') return { layout, shape, values };
  if (layout === 'dense-coded') return { layout, shape, codebook, codes: codes(values) };
  if (layout === 'sparse') return { layout, shape, positions, values: nonzeros };
  return { layout, shape, positions, codebook, codes: codes(nonzeros) };
}

/** The model: 4 ids per sample → `[4, 3]`, the table stored in `layout`. */
export function tokenTableModel(layout: CompressedTensor['layout']): CompressedModel {
  return {
    name: `token-table-${layout}`,
    inputShape: [4],
    layers: [
      { name: 'ids', config: { kind: 'rescale', scale: 1, offset: 0 } },
      { name: 'embed', config: { kind: 'embedding', inputDim: 5, outputDim: 3 } },
    ],
    tensors: new Map([['embed/kernel', table(layout)]]),
    stages: [],
  };
}

/** What the model gives for `ids`: each truncated toward zero, zeros outside 0..4 and for NaN. */
export function expectedRows(ids: Float32Array): Float32Array {
  return Float32Array.from({ length: ids.length * 3 }, (_, k) => {
    const id = Math.trunc(ids[Math.floor(k / 3)]);
    return id >= 0 && id < 5 ? tableRow(id)[k % 3] : 0;
  });
}
