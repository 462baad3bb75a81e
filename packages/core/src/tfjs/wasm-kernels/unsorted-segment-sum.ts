import type { KernelArgs, TensorInfo } from './wasm-backend.js';

/**
 * `UnsortedSegmentSum` for the wasm backend (missing in tfjs-backend-wasm 4.x; it is the gradient
 * of `gather`): `out[s, ...] = Σ x[i, ...]` over the `i` whose `segmentIds[i] = s`. Ids outside
 * `[0, numSegments)` are dropped, as on the cpu backend. float32 and int32.
 */
export function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, segmentIds } = inputs;
  const numSegments = Number(attrs?.numSegments);
  const idRank = segmentIds.shape.length;
  const inner = x.shape.slice(idRank).reduce((p, d) => p * d, 1);
  const rows = segmentIds.shape.reduce((p, d) => p * d, 1);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(idRank)], x.dtype);
  const o = backend.typedArrayFromHeap(out);
  const v = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  o.fill(0);
  for (let i = 0; i < rows; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    for (let j = 0, src = i * inner, dst = s * inner; j < inner; j++) o[dst + j] += v[src + j];
  }
  return out;
}
