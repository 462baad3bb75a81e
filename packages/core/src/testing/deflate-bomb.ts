/**
 * A decompression bomb for reader tests: one hand-built dynamic-Huffman DEFLATE block (RFC 1951
 * §3.2.7) whose length-258/distance-1 match costs 2 bits, so that every zero byte of the stream
 * inflates to 1032 zero bytes (DEFLATE's largest ratio). Built in milliseconds, whatever its size.
 */

/** Writes bits least significant first, into a zero-filled buffer. */
class BitWriter {
  pos = 0;
  constructor(readonly out: Uint8Array) {}
  /** `n` bits of `value`, least significant first (header fields). */
  bits(value: number, n: number): void {
    for (let i = 0; i < n; i++, this.pos++) if ((value >> i) & 1) this.out[this.pos >> 3] |= 1 << (this.pos & 7);
  }
  /** A Huffman code of `len` bits, most significant first. */
  code(code: number, len: number): void {
    for (let i = len - 1; i >= 0; i--) this.bits((code >> i) & 1, 1);
  }
}

// Code-length alphabet order (RFC 1951 §3.2.7) and our code-length code: 18 → '0', 1 → '10', 2 → '11'.
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
const CL_LENGTHS: Record<number, number> = { 18: 1, 1: 2, 2: 2 };
const CL_CODES: Record<number, [number, number]> = { 18: [0b0, 1], 1: [0b10, 2], 2: [0b11, 2] };

/**
 * Raw DEFLATE bytes that inflate to `1 + 1032 · ceil(mebibytes · 2^20 / 1032)` zero bytes (at
 * least `mebibytes` MiB) from about `mebibytes · 1016` bytes: literal/length code 285 (length
 * 258) → '0', literal 0 → '10', end of block → '11'; distance codes 0 and 1 → '0', '1'.
 */
export function deflateBomb(mebibytes: number): Uint8Array {
  const zeroBytes = Math.ceil((mebibytes * 2 ** 20) / 1032);
  const out = new Uint8Array(64 + zeroBytes);
  const w = new BitWriter(out);
  w.bits(1, 1); // BFINAL
  w.bits(2, 2); // dynamic Huffman
  w.bits(286 - 257, 5); // HLIT: literal/length codes 0..285
  w.bits(2 - 1, 5); // HDIST: distance codes 0..1
  w.bits(18 - 4, 4); // HCLEN: code-length codes up to symbol 1 in CL_ORDER
  for (const sym of CL_ORDER.slice(0, 18)) w.bits(CL_LENGTHS[sym] ?? 0, 3);
  const zeros = (n: number): void => {
    // Symbol 18 repeats a zero length 11..138 times (7 extra bits).
    for (let left = n; left > 0; ) {
      const run = Math.min(138, left);
      w.code(...CL_CODES[18]);
      w.bits(run - 11, 7);
      left -= run;
    }
  };
  w.code(...CL_CODES[2]); // literal 0: length 2
  zeros(255); // literals 1..255
  w.code(...CL_CODES[2]); // 256, end of block: length 2
  zeros(28); // 257..284
  w.code(...CL_CODES[1]); // 285: length 1
  w.code(...CL_CODES[1]); // distance code 0: length 1
  w.code(...CL_CODES[1]); // distance code 1: length 1
  w.code(0b10, 2); // the one literal 0
  w.pos += zeroBytes * 8; // 4 matches (length 258, distance 1) per zero byte: '0' '0' each
  w.code(0b11, 2); // end of block
  return out.slice(0, (w.pos + 7) >> 3);
}
