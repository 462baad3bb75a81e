/** Loads a `.dcm` file into a session on the page's backend and describes it. */
import type { RuntimeBackend, Session } from '@dc/sparse-runtime';
import { createSession, loadCompressedModel } from '@dc/sparse-runtime';

/** A model ready to classify 28×28 digits. */
export interface PageModel {
  readonly session: Session;
  readonly name: string;
  readonly fileBytes: number;
  /** e.g. `dense 784→300 (8.0% kept, 4-bit codes)` per weighted layer. */
  readonly summary: string;
}

function describeTensors(model: Awaited<ReturnType<typeof loadCompressedModel>>): string {
  const parts: string[] = [];
  for (const [key, t] of model.compressed.tensors) {
    if (!key.endsWith('/kernel')) continue;
    const n = t.shape.reduce((a, b) => a * b, 1);
    const kept = t.layout === 'sparse' || t.layout === 'sparse-coded' ? t.positions.length / n : undefined;
    const bits = t.layout === 'sparse-coded' || t.layout === 'dense-coded' ? Math.ceil(Math.log2(Math.max(2, t.codebook.length))) : 32;
    parts.push(`${key.slice(0, -7)} ${t.shape.join('×')}${kept === undefined ? '' : ` ${(100 * kept).toFixed(1)}% kept`} ${bits}-bit`);
  }
  return parts.join(' · ');
}

/** Decodes `bytes` (Huffman and rANS streams included: the runtime's default decoders) and prepares it on `backend`. */
export async function loadPageModel(bytes: Uint8Array, label: string, backend: RuntimeBackend): Promise<PageModel> {
  const model = await loadCompressedModel(bytes);
  if (model.inputSize !== 784 || model.outputSize !== 10) {
    throw new Error(`${label}: the page classifies 28×28 digits into 10 classes; this model takes [${model.inputShape.join(', ')}] and gives ${model.outputSize} outputs`);
  }
  const session = await createSession(model, { backend });
  return { session, name: model.compressed.name || label, fileBytes: bytes.length, summary: describeTensors(model) };
}

/** Index of the largest of `out[offset .. offset + n)`. */
export function argmax(out: Float32Array, offset = 0, n = 10): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (out[offset + i] > out[offset + best]) best = i;
  return best;
}
