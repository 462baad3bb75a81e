/**
 * Global setup of the `slow` vitest project: the LeNet-300-100 measurements of prune, quantize and
 * huffman start from a trained baseline. Rather than training one in every CI run (10+ epochs), the
 * demo's shipped checkpoint (apps/demo/baselines/lenet-300-100.dcm, made by `dc-demo train`) is
 * written into the tests' shared baseline cache, unless a cache already exists.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeContainer, listParams, toDenseModel } from '@dc/core';

export default function setup(): void {
  const cache = process.env.DC_BASELINE_CACHE;
  const shipped = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'apps/demo/baselines/lenet-300-100.dcm');
  if (!cache || existsSync(cache) || !existsSync(shipped)) return;
  const model = toDenseModel(decodeContainer(new Uint8Array(readFileSync(shipped))));
  const params = Object.fromEntries(
    listParams(model).map((r) => [r.key, Buffer.from(r.tensor.values.buffer, r.tensor.values.byteOffset, r.tensor.values.byteLength).toString('base64')]),
  );
  writeFileSync(cache, JSON.stringify({ epochs: 10, source: shipped, params }));
}
