/**
 * Layer names in options (`sparsity: { ip1: 0.9 }`, `layerBits`, `exclude`, `layers`) checked
 * against a model, the same way in every stage: a name the model lacks is `UNKNOWN_LAYER`, a layer
 * the option cannot apply to is `INVALID_OPTION`; both name the option and list the valid names.
 */
import { DcError } from '../errors/dc-error.js';
import type { Layer, Model } from '../ir/model.js';
import { paramKey, type ParamRef } from '../ir/params.js';

/** A layer name (or parameter key) that an option gives. */
export interface LayerReference {
  /** The option path, e.g. `layerBits.ip1` or `exclude`. */
  readonly option: string;
  /** The name given. */
  readonly name: string;
}

/** Which names an option accepts. */
export interface LayerNameRules {
  /** The stage, for the error. */
  readonly stage: string;
  /** The layers the option can apply to; default: layers that have parameters. */
  readonly accepts?: (layer: Layer) => boolean;
  /** Also accept parameter keys `<layer>/<param>` of accepted layers (e.g. `ip1/kernel`). */
  readonly paramKeys?: boolean;
}

/**
 * The references of an option: each name of an array (`exclude: ['ip1']`, option path `exclude`)
 * or each key of a per-layer record (`layerBits: { ip1: 4 }`, option path `layerBits.ip1`),
 * leaving out `wildcard` keys such as `'*'`. Nothing for `undefined` or a number.
 */
export function layerReferences(option: string, value: readonly string[] | { readonly [name: string]: unknown } | number | undefined, wildcard?: string): LayerReference[] {
  if (value === undefined || typeof value === 'number') return [];
  if (Array.isArray(value)) return value.map((name: string) => ({ option, name }));
  return Object.keys(value).filter((name) => name !== wildcard).map((name) => ({ option: `${option}.${name}`, name }));
}

const MAX_LISTED = 40;

function list(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, MAX_LISTED).join(', ');
  return names.length > MAX_LISTED ? `${shown}, … (${names.length - MAX_LISTED} more)` : shown;
}

function paramKeys(layer: Layer): string[] {
  return (Object.keys(layer.params) as ParamRef['param'][]).filter((p) => layer.params[p]).map((p) => paramKey(layer.name, p));
}

/**
 * Checks every reference against `model`. Throws `UNKNOWN_LAYER` for a name the model does not
 * have and `INVALID_OPTION` for a layer the option cannot apply to (a flatten layer named in
 * `layers`, say); both carry `option`, `stage` and `tensor` (the name), and list the valid names.
 */
export function assertLayerNames(model: Model, references: Iterable<LayerReference>, rules: LayerNameRules): void {
  const accepts = rules.accepts ?? ((layer: Layer) => Object.values(layer.params).some(Boolean));
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const validLayers = model.layers.filter(accepts);
  const valid = rules.paramKeys ? [...validLayers.map((l) => l.name), ...validLayers.flatMap(paramKeys)] : validLayers.map((l) => l.name);
  const hint = `Valid names in model "${model.name}": ${list(valid)}.`;
  for (const { option, name } of references) {
    if (valid.includes(name)) continue;
    const slash = rules.paramKeys ? name.lastIndexOf('/') : -1;
    const layer = byName.get(name) ?? (slash > 0 ? byName.get(name.slice(0, slash)) : undefined);
    const details = { option, stage: rules.stage, tensor: name, hint };
    if (layer && (layer.name === name || layer.params[name.slice(slash + 1) as ParamRef['param']])) {
      throw new DcError('INVALID_OPTION', `option "${option}" of stage "${rules.stage}" names "${name}" (a ${layer.config.kind} layer), which this option cannot apply to (valid: ${list(valid)})`, details);
    }
    throw new DcError('UNKNOWN_LAYER', `option "${option}" of stage "${rules.stage}" names "${name}", which model "${model.name}" does not have (valid: ${list(valid)})`, details);
  }
}
