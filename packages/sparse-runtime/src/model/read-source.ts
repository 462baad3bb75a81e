/**
 * Reads the bytes of a model file from memory, a path (Node) or a URL (`file:` in Node, `http(s):`
 * through `fetch` anywhere). Node modules are imported lazily so the runtime also loads in browsers.
 */
import { DcError, fileReadError } from '@dc/core';

/** Where a compressed model comes from. */
export type ModelSource = Uint8Array | ArrayBuffer | string | URL;

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

async function readFileBytes(path: string | URL): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (cause) {
    throw fileReadError(String(path), cause, 'INVALID_OPTION', { what: 'model file', option: 'source', hint: 'Pass the path of an existing .dcm file, its bytes, or a URL.' });
  }
}

async function fetchBytes(url: string | URL): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (cause) {
    throw new DcError('INVALID_OPTION', `cannot fetch model ${String(url)}: ${(cause as Error).message}`, { option: 'source', cause });
  }
  if (!res.ok) throw new DcError('INVALID_OPTION', `fetching model ${String(url)} gave HTTP ${res.status}`, { option: 'source' });
  return new Uint8Array(await res.arrayBuffer());
}

/** The bytes of `source`, viewed without copying where it already is in memory. */
export async function readSource(source: ModelSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (source instanceof URL) return source.protocol === 'file:' && isNode ? readFileBytes(source) : fetchBytes(source);
  if (typeof source === 'string') {
    if (/^https?:\/\//i.test(source) || !isNode) return fetchBytes(source);
    return readFileBytes(source.startsWith('file:') ? new URL(source) : source);
  }
  throw new DcError('INVALID_OPTION', 'source must be a Uint8Array, an ArrayBuffer, a path or a URL', { option: 'source' });
}
