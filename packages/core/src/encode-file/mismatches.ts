/** Which tensors a written file stores differently from the model it was written from. */
import { densify, type CompressedModel } from '../compressed.js';
import type { Model } from '../ir/model.js';
import { listParams } from '../ir/params.js';

/**
 * Keys of tensors whose decoded values differ from the model's: exactly, or beyond float16
 * rounding (relative 2^-11, absolute 2^-24) for the tensors in `half`.
 */
export function mismatchedTensors(model: Model, decoded: CompressedModel, half: (key: string) => boolean): string[] {
  const out: string[] = [];
  for (const ref of listParams(model)) {
    const t = decoded.tensors.get(ref.key);
    const got = t ? densify(t) : undefined;
    const want = ref.tensor.values;
    const rounded = half(ref.key);
    const same = (v: number, w: number) => (rounded ? Math.abs(v - w) <= Math.abs(w) * 2 ** -11 + 2 ** -24 : Object.is(v, w) || (v === 0 && w === 0));
    const ok = got?.length === want.length && got.every((v, i) => same(v, want[i]));
    if (!ok) out.push(ref.key);
  }
  return out;
}
