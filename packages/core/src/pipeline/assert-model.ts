/**
 * The pipeline's check of its input: an IR model with at least one layer, unique layer names and
 * parameter tensors whose values match their shapes. What a user most often passes by mistake, a
 * tfjs `LayersModel`, is recognised and answered with the converter to call. Layer configurations
 * are the op table's concern (`validateModel`), not checked here.
 */
import { DcError } from '../errors/dc-error.js';
import type { Model } from '../ir/model.js';

type Loose = { readonly [key: string]: unknown };

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null;
}

/** A tfjs `LayersModel` (or a tfjs layer) rather than an IR model: tfjs objects have `getClassName()`. */
function isTfjsModel(value: Loose): boolean {
  const hasClassName = (v: unknown) => isObject(v) && typeof v.getClassName === 'function';
  return hasClassName(value) || typeof value.predict === 'function' || (Array.isArray(value.layers) && value.layers.some(hasClassName));
}

function invalid(field: string, message: string, hint?: string): DcError {
  return new DcError('INVALID_MODEL', `${field}: ${message}`, hint ? { hint } : {});
}

const isDim = (d: unknown) => typeof d === 'number' && Number.isInteger(d) && d >= 0;

function assertTensor(value: unknown, field: string): void {
  if (!isObject(value)) throw invalid(field, 'must be a tensor { shape, values }');
  const { shape, values } = value;
  if (!Array.isArray(shape) || !shape.every(isDim)) throw invalid(`${field}.shape`, 'must be an array of non-negative integers');
  if (!(values instanceof Float32Array)) throw invalid(`${field}.values`, 'must be a Float32Array');
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (values.length !== size) throw invalid(`${field}.values`, `has ${values.length} values, shape [${shape.join(', ')}] needs ${size}`);
}

/**
 * Throws `INVALID_MODEL` (naming the field, with a hint) unless `model` is a well-formed IR model
 * with at least one layer. A tfjs model gets a hint to convert it with `fromLayersModel`.
 */
export function assertIrModel(model: unknown): asserts model is Model {
  if (!isObject(model)) throw invalid('model', `must be an IR model object, got ${model === null ? 'null' : typeof model}`);
  if (isTfjsModel(model)) {
    throw invalid('model', 'this is a tfjs model; the pipeline works on the IR', "Convert it first: `import { fromLayersModel } from '@dc/core/tfjs'`, then `pipeline.run(fromLayersModel(tfModel))`.");
  }
  if (typeof model.name !== 'string') throw invalid('model.name', 'must be a string');
  if (!Array.isArray(model.inputShape) || !model.inputShape.every((d) => isDim(d) && d > 0)) throw invalid('model.inputShape', 'must be an array of positive integers (without the batch dimension)');
  if (!Array.isArray(model.layers)) throw invalid('model.layers', 'must be an array of layers');
  if (model.layers.length === 0) throw invalid('model.layers', 'is empty: there is nothing to compress', 'Pass a model with at least one layer (convert a tfjs model with fromLayersModel from @dc/core/tfjs).');
  const names = new Set<string>();
  model.layers.forEach((layer: unknown, i: number) => {
    const field = `model.layers[${i}]`;
    if (!isObject(layer)) throw invalid(field, 'must be a layer { name, config, params }');
    if (typeof layer.name !== 'string' || layer.name.length === 0) throw invalid(`${field}.name`, 'must be a non-empty string');
    if (names.has(layer.name)) throw invalid(`${field}.name`, `"${layer.name}" is used by two layers; names must be unique`);
    names.add(layer.name);
    if (!isObject(layer.config) || typeof layer.config.kind !== 'string') throw invalid(`${field}.config.kind`, 'must be a layer kind (e.g. "dense")');
    if (!isObject(layer.params)) throw invalid(`${field}.params`, 'must be an object of parameter name → tensor');
    for (const [param, tensor] of Object.entries(layer.params)) if (tensor !== undefined) assertTensor(tensor, `${field}.params.${param}`);
  });
}
