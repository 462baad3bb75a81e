/**
 * Inflating a deflated header with the work bounded by its declared length: pako's streaming
 * inflater hands out at most {@link OUTPUT_CHUNK} bytes at a time, and we stop as soon as the
 * output passes the length the preamble declares (a decompression bomb costs at most that much),
 * or when the DEFLATE stream ends early or has bytes after its final block.
 */
import { Inflate, Z_BUF_ERROR, Z_OK } from 'pako';
import { DcError, isDcError } from '../errors/dc-error.js';

/** Output bytes pako hands over per call: the most a bomb can inflate past the declared length. */
const OUTPUT_CHUNK = 16 * 1024;

function bad(message: string, cause?: unknown): never {
  throw new DcError('BAD_HEADER', message, cause === undefined ? {} : { cause });
}

/**
 * The `declared` bytes that `stored` (raw DEFLATE, RFC 1951, with a preset `dictionary` when
 * given) inflates to. `BAD_HEADER` when it inflates to more or fewer bytes, is not valid DEFLATE,
 * ends before its final block, or has bytes after it.
 */
export function inflateHeader(stored: Uint8Array, declared: number, dictionary?: Uint8Array): Uint8Array {
  if (stored.length === 0) bad('the deflated header is empty');
  const out = new Uint8Array(declared);
  let length = 0;
  const inflater = new Inflate({ raw: true, chunkSize: OUTPUT_CHUNK, ...(dictionary ? { dictionary } : {}) });
  inflater.onData = (chunk) => {
    if (length + chunk.length > declared) bad(`the header inflates to more than the ${declared} bytes its preamble declares`);
    out.set(chunk, length);
    length += chunk.length;
  };
  try {
    // All bytes but the last first: a stream that has already ended there has trailing bytes.
    inflater.push(stored.subarray(0, stored.length - 1), false);
    if (inflater.ended && inflater.err === Z_OK) bad('the deflated header has bytes after its final block');
    if (!inflater.ended) inflater.push(stored.subarray(stored.length - 1), true);
  } catch (cause) {
    if (isDcError(cause)) throw cause;
    bad('the deflated header does not inflate', cause);
  }
  if (!inflater.ended || inflater.err === Z_BUF_ERROR) bad('the deflated header ends before its final block');
  if (inflater.err !== Z_OK) bad(`the deflated header does not inflate: ${inflater.msg}`);
  if (length !== declared) bad(`the header inflates to ${length} bytes; its preamble declares ${declared}`);
  return out;
}
