/**
 * The digit-sample file the demo page loads next to the model (`mnist-sample.bin`): a few MNIST
 * test images with their labels, so the page needs no network and no IDX parsing. Pure functions,
 * used by Node (to write it) and by the page (to read it).
 *
 * Layout (little-endian): `DCDS` magic, uint32 count, uint32 rows, uint32 cols, `count` label
 * bytes, then `count × rows × cols` pixel bytes (0 = background, 255 = ink), row-major.
 */

/** Digits with their true labels, pixels as bytes. */
export interface DigitSample {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** One class label (0-9) per image. */
  readonly labels: Uint8Array;
  /** `count × rows × cols` bytes, row-major per image. */
  readonly pixels: Uint8Array;
}

const MAGIC = [0x44, 0x43, 0x44, 0x53]; // "DCDS"
const HEADER_BYTES = 16;

/** Writes a sample in the layout above. */
export function encodeDigitSample(s: DigitSample): Uint8Array {
  const size = s.count * s.rows * s.cols;
  if (s.labels.length !== s.count || s.pixels.length !== size) {
    throw new RangeError(`digit sample: ${s.labels.length} labels and ${s.pixels.length} pixels for ${s.count} images of ${s.rows}×${s.cols}`);
  }
  const out = new Uint8Array(HEADER_BYTES + s.count + size);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, s.count, true);
  view.setUint32(8, s.rows, true);
  view.setUint32(12, s.cols, true);
  out.set(s.labels, HEADER_BYTES);
  out.set(s.pixels, HEADER_BYTES + s.count);
  return out;
}

/** Reads a sample; throws a `RangeError` naming what is wrong with a bad file. */
export function decodeDigitSample(bytes: Uint8Array): DigitSample {
  if (bytes.length < HEADER_BYTES || MAGIC.some((m, i) => bytes[i] !== m)) throw new RangeError('digit sample: not a DCDS file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4, true);
  const rows = view.getUint32(8, true);
  const cols = view.getUint32(12, true);
  const size = count * rows * cols;
  if (bytes.length !== HEADER_BYTES + count + size) {
    throw new RangeError(`digit sample: ${bytes.length} bytes, ${count} images of ${rows}×${cols} need ${HEADER_BYTES + count + size}`);
  }
  return {
    count,
    rows,
    cols,
    labels: bytes.slice(HEADER_BYTES, HEADER_BYTES + count),
    pixels: bytes.slice(HEADER_BYTES + count),
  };
}

/** Image `index` as model input: `rows × cols` floats in [0, 1] (byte / 255), as the demo trains on. */
export function digitInput(s: DigitSample, index: number): Float32Array {
  const n = s.rows * s.cols;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = s.pixels[index * n + i] / 255;
  return out;
}

/** The first `count` images as one batch of model inputs (`count × rows × cols` floats in [0, 1]). */
export function digitBatch(s: DigitSample, count = s.count): Float32Array {
  const n = Math.min(count, s.count) * s.rows * s.cols;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = s.pixels[i] / 255;
  return out;
}
