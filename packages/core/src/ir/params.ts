import { DcError } from '../errors/dc-error.js';
import { PARAM_NAMES, type Layer, type Model, type ParamName, type Tensor } from './model.js';

/** A parameter tensor with its address in the model. */
export interface ParamRef {
  /** `<layer>/<param>`, e.g. `dense_1/kernel`: the key used by artifacts, reports and the file. */
  readonly key: string;
  readonly layer: Layer;
  readonly layerIndex: number;
  readonly param: ParamName;
  readonly tensor: Tensor;
}

/** The key of a parameter: `<layer>/<param>`. */
export function paramKey(layerName: string, param: ParamName): string {
  return `${layerName}/${param}`;
}

/** Every parameter tensor of the model, in layer order, then in {@link PARAM_NAMES} order (kernel first). */
export function listParams(model: Model): ParamRef[] {
  const out: ParamRef[] = [];
  model.layers.forEach((layer, layerIndex) => {
    for (const param of PARAM_NAMES) {
      const tensor = layer.params[param];
      if (tensor) out.push({ key: paramKey(layer.name, param), layer, layerIndex, param, tensor });
    }
  });
  return out;
}

/** The parameter at `key`, or a `UNKNOWN_LAYER` error. */
export function getParam(model: Model, key: string): ParamRef {
  const ref = listParams(model).find((p) => p.key === key);
  if (!ref) throw new DcError('UNKNOWN_LAYER', `no parameter "${key}" in model "${model.name}"`, { tensor: key });
  return ref;
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Total number of parameters (weights and biases). */
export function countParams(model: Model): number {
  return listParams(model).reduce((n, p) => n + p.tensor.values.length, 0);
}

/** Bytes of all parameters stored as float32: the numerator of every compression ratio. */
export function float32Bytes(model: Model): number {
  return countParams(model) * 4;
}

/** A deep copy of a tensor. */
export function cloneTensor(t: Tensor): Tensor {
  return { shape: [...t.shape], values: new Float32Array(t.values) };
}

/**
 * A new model whose parameters are replaced by `fn(ref)` where it returns a tensor; the others
 * are shared with the input (tensors are treated as immutable, so sharing is safe).
 */
export function mapParams(model: Model, fn: (ref: ParamRef) => Tensor | undefined): Model {
  const refs = listParams(model);
  const layers = model.layers.map((layer, layerIndex) => {
    const params: Partial<Record<ParamName, Tensor>> = { ...layer.params };
    let changed = false;
    for (const ref of refs.filter((r) => r.layerIndex === layerIndex)) {
      const next = fn(ref);
      if (next) {
        if (next.values.length !== ref.tensor.values.length) {
          throw new DcError('INVALID_MODEL', `replacement for ${ref.key} has ${next.values.length} values, expected ${ref.tensor.values.length}`, { tensor: ref.key });
        }
        params[ref.param] = next;
        changed = true;
      }
    }
    return changed ? { ...layer, params } : layer;
  });
  return { ...model, layers };
}

/** Parameters that compression stages work on: kernels (dense, conv2d, depthwiseConv2d). Biases and batch-norm parameters are not. */
export function isWeight(ref: ParamRef): boolean {
  return ref.param === 'kernel';
}
