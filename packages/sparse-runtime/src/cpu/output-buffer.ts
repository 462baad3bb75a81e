/**
 * A kernel's output array, kept from one call to the next. A fresh typed array is zeroed memory
 * from the allocator, and for a convolution's output (hundreds of kilobytes per chunk of 16
 * samples) that cost as much as the convolution: keeping the array made LeNet-5 and the
 * MobileNet-style example up to twice as fast at batch 1,000. It is safe because the executor runs
 * each step once per chunk and no value outlives its chunk: `runInChunks` copies the network's
 * output before the caller sees it. A kernel using it must write every element of its output.
 */

/** Returns an array of the asked length, the same one as last time when the length is the same. */
export function outputBuffer(): (length: number) => Float32Array {
  let kept = new Float32Array(0);
  return (length) => (kept.length === length ? kept : (kept = new Float32Array(length)));
}
