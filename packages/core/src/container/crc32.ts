/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF):
 * the checksum of every section of a `.dcm` file. Table-driven, four bytes per step ("slicing by
 * 4": table `k` advances the CRC of a byte over `k` more zero bytes), about 3× the byte-at-a-time
 * loop; a reader checksums the whole file, so this is its cost per byte.
 */

const TABLES = /* @__PURE__ */ makeTables();

function makeTables(): Uint32Array[] {
  const t0 = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t0[n] = c >>> 0;
  }
  const tables = [t0];
  for (let k = 1; k < 4; k++) {
    const prev = tables[k - 1];
    tables.push(Uint32Array.from(prev, (c) => (t0[c & 0xff] ^ (c >>> 8)) >>> 0));
  }
  return tables;
}

/**
 * The CRC-32 of `bytes[start, end)`, as an unsigned 32-bit integer (`crc32(utf8('123456789'))`
 * is `0xCBF43926`).
 */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const [t0, t1, t2, t3] = TABLES;
  let c = 0xffffffff;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c = t3[c & 0xff] ^ t2[(c >>> 8) & 0xff] ^ t1[(c >>> 16) & 0xff] ^ t0[c >>> 24];
  }
  for (; i < end; i++) c = t0[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
