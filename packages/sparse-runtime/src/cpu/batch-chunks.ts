/**
 * Runs a whole network over a batch in chunks of samples, so that each chunk's activations
 * (a conv layer's output for 16 samples is ~0.7 MB in LeNet-5) stay in cache from one layer to
 * the next instead of streaming every layer's whole-batch output through memory. Inference treats
 * samples independently, so any executor can be chunked.
 */

/** A whole-network pass: `batch` samples in, `batch` samples out. */
export type BatchRun = (x: Float32Array, batch: number) => Float32Array;

/** Samples per chunk: one group of 16 SIMD lanes of the conv kernel (measured best of 16, 32, 64 on LeNet-5). */
export const CHUNK_SAMPLES = 16;

/**
 * `run(x, batch)` computed chunk by chunk; `inSize` and `outSize` are the elements per sample.
 * The result is a fresh array: never `x` itself, nor an array a kernel keeps for its next call
 * (`output-buffer.ts`).
 */
export function runInChunks(run: BatchRun, x: Float32Array, batch: number, inSize: number, outSize: number, chunk = CHUNK_SAMPLES): Float32Array {
  if (batch <= chunk) return new Float32Array(run(x, batch));
  const out = new Float32Array(batch * outSize);
  for (let b0 = 0; b0 < batch; b0 += chunk) {
    const n = Math.min(chunk, batch - b0);
    out.set(run(x.subarray(b0 * inSize, (b0 + n) * inSize), n), b0 * outSize);
  }
  return out;
}

/**
 * The activation bytes the cpu backend holds for a batch of `batch` samples of a model planned as
 * `plan` (one thread): up to one chunk, the plan's peak per sample times the batch; beyond, the
 * caller's input, the whole output and one chunk's intermediate values (chunks read the input in
 * place and copy their output out).
 */
export function cpuActivationBytes(plan: { readonly inputSize: number; readonly outputSize: number; readonly peakActivationBytes: number; readonly peakBytesBeyondInput: number }, batch: number, chunk = CHUNK_SAMPLES): number {
  if (batch <= chunk) return plan.peakActivationBytes * batch;
  return batch * (plan.inputSize + plan.outputSize) * 4 + chunk * plan.peakBytesBeyondInput;
}
