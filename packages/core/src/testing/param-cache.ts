import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Model } from '../ir/model.js';
import { listParams, mapParams } from '../ir/params.js';

/**
 * A model's parameters cached as JSON (`{ ...meta, params: { <key>: base64 float32 } }`), the format
 * the slow tests share their trained baselines in (and the slow project's global setup writes).
 */
export function writeParamCache(path: string | undefined, model: Model, meta: object = {}): void {
  if (!path) return;
  const params = Object.fromEntries(
    listParams(model).map((r) => [r.key, Buffer.from(r.tensor.values.buffer, r.tensor.values.byteOffset, r.tensor.values.byteLength).toString('base64')]),
  );
  writeFileSync(path, JSON.stringify({ ...meta, params }));
}

/** Reads a cache written by {@link writeParamCache} into `template`'s topology; `undefined` when there is none. */
export function readParamCache(path: string | undefined, template: Model): { model: Model; meta: Record<string, unknown> } | undefined {
  if (!path || !existsSync(path)) return undefined;
  const { params, ...meta } = JSON.parse(readFileSync(path, 'utf8')) as { params: Record<string, string> };
  const model = mapParams(template, (ref) => ({
    shape: [...ref.tensor.shape],
    values: new Float32Array(new Uint8Array(Buffer.from(params[ref.key], 'base64')).buffer),
  }));
  return { model, meta };
}
