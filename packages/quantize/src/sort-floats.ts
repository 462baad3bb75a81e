/**
 * Sorting the kept weights of a tensor, a large share of the cost of clustering it: V8's
 * typed-array sort took ~70 ms for 470,400 values here; an LSD radix sort on the float32 bit
 * patterns, three passes of 11 bits, takes a third of that. Weights come from a Float32Array, so
 * their float32 bits are exact.
 */

const RADIX_BITS = 11;
const BUCKETS = 1 << RADIX_BITS;
/** Below this many values the builtin sort is as fast. */
const RADIX_MIN_LENGTH = 4096;

/** A key whose unsigned order is the float order: positives get the sign bit set, negatives are inverted. */
function orderedKey(bits: number): number {
  return (bits & 0x80000000 ? ~bits : bits | 0x80000000) >>> 0;
}

/** The float32 bits of an {@link orderedKey}. */
function keyBits(key: number): number {
  return (key & 0x80000000 ? key & 0x7fffffff : ~key) >>> 0;
}

/**
 * `values` (float32-exact, no NaN) sorted ascending as float64, as `Float64Array.from(values).sort()`
 * returns them; -0 sorts before +0. With a NaN, the builtin sort (NaN last).
 */
export function sortedFloat32(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < RADIX_MIN_LENGTH || values.some(Number.isNaN)) return Float64Array.from(values).sort();
  const floats = Float32Array.from(values);
  let keys = new Uint32Array(floats.buffer);
  for (let i = 0; i < n; i++) keys[i] = orderedKey(keys[i]);
  let next = new Uint32Array(n);
  const counts = new Uint32Array(BUCKETS);
  for (let shift = 0; shift < 32; shift += RADIX_BITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[i] >>> shift) & (BUCKETS - 1)]++;
    let start = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = counts[b];
      counts[b] = start;
      start += c;
    }
    for (let i = 0; i < n; i++) next[counts[(keys[i] >>> shift) & (BUCKETS - 1)]++] = keys[i];
    [keys, next] = [next, keys];
  }
  for (let i = 0; i < n; i++) keys[i] = keyBits(keys[i]);
  return Float64Array.from(new Float32Array(keys.buffer, keys.byteOffset, n));
}
