/**
 * What every model the reader accepts must satisfy (the invariants its validation promises): the
 * fuzzer checks each decoded model against them, so a check the reader forgot shows up as a
 * violation rather than as a wrong model.
 */
import { isDcError, toDenseModel, validateModel, type CompressedModel, type CompressedTensor } from '@dc/core';

const MAX_TENSOR_ELEMENTS = 2 ** 28;
/** Models with more parameters are not densified for `validateModel` (memory, not correctness). */
const MAX_VALIDATED_PARAMS = 1e7;

function tensorProblem(t: CompressedTensor): string | undefined {
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (!t.shape.every((d) => Number.isInteger(d) && d >= 0) || n > MAX_TENSOR_ELEMENTS) return `shape [${t.shape.join(', ')}]`;
  const finite = (xs: Float32Array): boolean => xs.every(Number.isFinite);
  const codesFit = (codes: ArrayLike<number>, k: number): boolean => Array.prototype.every.call(codes, (c: number) => c < k);
  const ascending = (p: Uint32Array): boolean => p.every((x, i) => x < n && (i === 0 || x > p[i - 1]));
  switch (t.layout) {
    case 'dense':
      return t.values.length !== n ? 'values length' : !finite(t.values) ? 'non-finite value' : undefined;
    case 'dense-coded':
      if (t.codes.length !== n) return 'codes length';
      if (t.codebook.length < 1 || t.codebook.length > 65536 || !finite(t.codebook)) return 'codebook';
      return codesFit(t.codes, t.codebook.length) ? undefined : 'code past the codebook';
    case 'sparse':
      if (t.values.length !== t.positions.length) return 'values and positions differ in length';
      return !ascending(t.positions) ? 'positions not ascending below N' : !finite(t.values) ? 'non-finite value' : undefined;
    case 'sparse-coded':
      if (t.codes.length !== t.positions.length) return 'codes and positions differ in length';
      if (!ascending(t.positions)) return 'positions not ascending below N';
      if (t.codebook.length < 1 || t.codebook.length > 65536 || !finite(t.codebook)) return 'codebook';
      return codesFit(t.codes, t.codebook.length) ? undefined : 'code past the codebook';
    default:
      return `unknown layout ${(t as { layout: unknown }).layout}`;
  }
}

/**
 * The first invariant `cm` breaks, or undefined: its tensors are consistent (lengths, ascending
 * positions, codes within the codebook, finite values) and, densified, it passes core's
 * `validateModel` (the op table: kinds, configurations, edges, shapes, parameters).
 */
export function modelInvariantProblem(cm: CompressedModel): string | undefined {
  const names = new Set(cm.layers.map((l) => l.name));
  if (names.size !== cm.layers.length) return 'duplicate layer names';
  if (typeof cm.name !== 'string') return 'model name';
  const input = cm.inputShape.reduce((a, b) => a * b, 1);
  if (!cm.inputShape.every((d) => Number.isInteger(d) && d >= 0) || input > MAX_TENSOR_ELEMENTS) return 'input shape';
  for (const [key, t] of cm.tensors) {
    if (!names.has(key.slice(0, key.lastIndexOf('/')))) return `tensor ${key} names no layer`;
    const problem = tensorProblem(t);
    if (problem) return `tensor ${key}: ${problem}`;
  }
  const params = [...cm.tensors.values()].reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  if (params > MAX_VALIDATED_PARAMS) return undefined;
  try {
    validateModel(toDenseModel(cm));
  } catch (e) {
    return `validateModel: ${isDcError(e) ? e.message : String(e)}`;
  }
  return undefined;
}
