/**
 * Which tensors a prune stage works on, and the final target of each, checked against the model.
 */
import { DcError, listParams } from '@dc/core';
import type { Model, ParamRef } from '@dc/core';
import { STAGE_NAME, type PerLayer, type ResolvedOptions } from './options.js';

/** A tensor to prune and its final target (quality or sparsity). */
export interface Selected {
  readonly ref: ParamRef;
  readonly final: number;
}

const PRUNABLE = new Set(['dense', 'conv2d']);

function unknownLayer(model: Model, name: string, option: string): DcError {
  const known = model.layers.filter((l) => PRUNABLE.has(l.config.kind)).map((l) => l.name);
  return new DcError('UNKNOWN_LAYER', `option "${option}" names layer "${name}", which model "${model.name}" does not have (prunable layers: ${known.join(', ') || 'none'})`, {
    stage: STAGE_NAME,
    tensor: name,
    option,
  });
}

/** Layer names a per-layer record names explicitly (without the `'*'` default). */
function recordLayers(target: PerLayer): string[] | undefined {
  return typeof target === 'number' ? undefined : Object.keys(target).filter((k) => k !== '*');
}

/** Names of the layers to prune: `layers`, else the record's layers (unless it has `'*'`), else all dense/conv2d. */
export function selectLayers(model: Model, options: Pick<ResolvedOptions, 'kind' | 'target' | 'layers'>): string[] {
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const named = recordLayers(options.target);
  for (const name of named ?? []) if (!byName.has(name)) throw unknownLayer(model, name, `${options.kind}.${name}`);
  for (const name of options.layers ?? []) {
    const layer = byName.get(name);
    if (!layer) throw unknownLayer(model, name, 'layers');
    if (!layer.params.kernel) {
      throw new DcError('INVALID_OPTION', `option "layers": layer "${name}" (${layer.config.kind}) has no weights to prune`, { stage: STAGE_NAME, option: 'layers', tensor: name });
    }
  }
  if (options.layers) return [...options.layers];
  const hasDefault = typeof options.target === 'number' || '*' in options.target;
  if (named && !hasDefault) return named;
  return model.layers.filter((l) => PRUNABLE.has(l.config.kind) && l.params.kernel).map((l) => l.name);
}

/** The final target of `layer`: the number, the record's entry, or the record's `'*'`. */
export function targetFor(target: PerLayer, layer: string, option: string): number {
  if (typeof target === 'number') return target;
  const value = target[layer] ?? target['*'];
  if (value === undefined) {
    throw new DcError('INVALID_OPTION', `option "${option}" gives no value for layer "${layer}" (add it, or a "*" default)`, { stage: STAGE_NAME, option, tensor: layer });
  }
  return value;
}

/** The tensors to prune (kernels, and biases with `pruneBiases`) with their final targets. */
export function selectTensors(model: Model, options: ResolvedOptions): Selected[] {
  const layers = new Set(selectLayers(model, options));
  return listParams(model)
    .filter((ref) => layers.has(ref.layer.name) && (ref.param === 'kernel' || options.pruneBiases))
    .map((ref) => ({ ref, final: options.kind === 'globalSparsity' ? (options.target as number) : targetFor(options.target, ref.layer.name, options.kind) }));
}
