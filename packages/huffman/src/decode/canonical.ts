/**
 * Canonical Huffman codes from code lengths (as in DEFLATE, RFC 1951 §3.2.2): shorter codes
 * first, and within a length, in symbol order. Shared by the encoder and the decoder.
 */

/** Longest code length the format allows (lengths are stored in 4 bits). */
export const MAX_CODE_LENGTH = 15;

/**
 * The canonical code of each symbol (`0` for unused symbols, length 0), or `undefined` when the
 * lengths over-subscribe the code space (Kraft sum above 1).
 */
export function canonicalCodes(lengths: ArrayLike<number>): Uint16Array | undefined {
  const count = new Uint32Array(MAX_CODE_LENGTH + 1);
  for (let i = 0; i < lengths.length; i++) count[lengths[i]]++;
  count[0] = 0;
  const next = new Uint32Array(MAX_CODE_LENGTH + 2);
  let code = 0;
  let left = 1;
  for (let len = 1; len <= MAX_CODE_LENGTH; len++) {
    left = left * 2 - count[len];
    if (left < 0) return undefined;
    code = (code + count[len - 1]) << 1;
    next[len] = code;
  }
  const codes = new Uint16Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) if (lengths[s] > 0) codes[s] = next[lengths[s]]++;
  return codes;
}

/** `code` with its lowest `len` bits in reverse order (codes are read LSB-first). */
export function reverseBits(code: number, len: number): number {
  let r = 0;
  for (let i = 0; i < len; i++) {
    r = (r << 1) | (code & 1);
    code >>>= 1;
  }
  return r;
}
