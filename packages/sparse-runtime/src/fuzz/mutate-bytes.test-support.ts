/**
 * Byte-level mutations of a binary header (the compact header of format version 3): flips,
 * overwrites, insertions, deletions, truncation and repeated ranges, for the parser's own checks.
 */
import type { RandomSource } from '@dc/core';

/** `bytes` with one to three byte-level changes. */
export function mutateBytes(r: RandomSource, bytes: Uint8Array): Uint8Array {
  let out = Array.from(bytes);
  for (let k = 0, n = 1 + r.int(3); k < n; k++) {
    const at = r.int(out.length + 1);
    switch (r.int(6)) {
      case 0:
        if (at < out.length) out[at] ^= 1 << r.int(8);
        break;
      case 1:
        if (at < out.length) out[at] = [0, 0x7f, 0x80, 0xff, r.int(256)][r.int(5)];
        break;
      case 2:
        out.splice(at, 0, ...Array.from({ length: 1 + r.int(4) }, () => r.int(256)));
        break;
      case 3:
        out.splice(at, 1 + r.int(4));
        break;
      case 4:
        out = out.slice(0, at);
        break;
      default:
        out.splice(at, 0, ...out.slice(at, at + 1 + r.int(16)));
    }
  }
  return Uint8Array.from(out);
}
