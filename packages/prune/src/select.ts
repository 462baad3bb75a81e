/**
 * Which tensors a prune stage works on, and the final target of each, checked against the model.
 */
import { assertLayerNames, DcError, layerReferences, listParams, WEIGHT_PARAMS } from '@dc/core';
import type { Layer, Model, ParamRef } from '@dc/core';
import { STAGE_NAME, type PerLayer, type ResolvedOptions } from './options.js';

/** A tensor to prune and its final target (quality or sparsity). */
export interface Selected {
  readonly ref: ParamRef;
  readonly final: number;
}

/** Layers a prune stage can work on when named: those with a kernel. */
const prunable = (layer: Layer) => layer.params.kernel !== undefined;
/** Kinds pruned by default. */
const DEFAULT_KINDS = new Set(['dense', 'conv2d', 'conv2dTranspose', 'embedding', 'recurrent']);

/**
 * Names of the layers to prune: `layers`, else the record's layers (unless it has `'*'`), else
 * every dense, conv2d, conv2dTranspose, embedding and recurrent layer. Throws `UNKNOWN_LAYER` for a name the model lacks and
 * `INVALID_OPTION` for a layer without weights, naming the option and listing the valid names.
 */
export function selectLayers(model: Model, options: Pick<ResolvedOptions, 'kind' | 'target' | 'layers'>): string[] {
  assertLayerNames(model, layerReferences(options.kind, options.target, '*'), { stage: STAGE_NAME, accepts: prunable, paramKeys: true });
  assertLayerNames(model, layerReferences('layers', options.layers), { stage: STAGE_NAME, accepts: prunable });
  if (options.layers) return [...options.layers];
  const named = typeof options.target === 'number' ? undefined : Object.keys(options.target).filter((k) => k !== '*');
  const hasDefault = typeof options.target === 'number' || '*' in options.target;
  // A parameter key names its layer.
  const layerOf = (name: string) => (model.layers.some((l) => l.name === name) ? name : name.slice(0, name.lastIndexOf('/')));
  if (named && !hasDefault) return [...new Set(named.map(layerOf))];
  return model.layers.filter((l) => prunable(l) && DEFAULT_KINDS.has(l.config.kind)).map((l) => l.name);
}

/** The final target of tensor `ref`: the number, the record's entry for its key or its layer, or the record's `'*'`. */
export function targetFor(target: PerLayer, ref: Pick<ParamRef, 'key' | 'layer'>, option: string): number {
  if (typeof target === 'number') return target;
  const layer = ref.layer.name;
  const value = target[ref.key] ?? target[layer] ?? target['*'];
  if (value === undefined) {
    throw new DcError('INVALID_OPTION', `option "${option}" gives no value for layer "${layer}" (add it, or a "*" default)`, { stage: STAGE_NAME, option, tensor: layer });
  }
  return value;
}

/** The tensors to prune (kernels and recurrent kernels, and biases with `pruneBiases`) with their final targets. */
export function selectTensors(model: Model, options: ResolvedOptions): Selected[] {
  const layers = new Set(selectLayers(model, options));
  return listParams(model)
    .filter((ref) => layers.has(ref.layer.name) && (WEIGHT_PARAMS.includes(ref.param) || options.pruneBiases))
    .map((ref) => ({ ref, final: options.kind === 'globalSparsity' ? (options.target as number) : targetFor(options.target, ref, options.kind) }));
}
