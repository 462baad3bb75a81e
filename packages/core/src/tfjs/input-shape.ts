/**
 * A model's declared input shape, and fixing its unknown dimensions. Keras and tfjs let an input
 * leave dimensions open (`[null]`: token sequences of any length; `[null, null, 3]`: a fully
 * convolutional image model), but the IR, the file and the runtimes plan every buffer for one
 * shape. So such a model is loaded at a shape the user chooses (or their data has): the
 * topology's input shape is rewritten before tfjs builds the model, and every layer after it gets
 * fixed shapes from tfjs's own shape inference.
 */
import { DcError } from '../errors/dc-error.js';
import { isObject } from '../json.js';
import { layersOf, modelConfigOf, NESTED_MODELS, type LayersModelJson } from './model-json.js';

/** An input shape without the batch axis, as model.json declares it: `null` for an unknown dimension. */
export type DeclaredShape = readonly (number | null)[];

const SHAPE_KEYS = ['batch_input_shape', 'batchInputShape'] as const;

/**
 * The config that holds the model's input shape: the first layer's of a Sequential model (through
 * a nested model that comes first), the single input layer's of a functional one; undefined for a
 * model of several inputs or a topology that declares none.
 */
function inputConfigOf(modelConfig: Record<string, unknown>, source: string): Record<string, unknown> | undefined {
  const layers = layersOf(modelConfig, source);
  const config = modelConfig.config;
  const inputs = isObject(config) ? config.input_layers : undefined;
  let layer;
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1 || !Array.isArray(inputs[0])) return undefined;
    const name = (inputs[0] as unknown[])[0];
    layer = layers.find((l) => l.name === name);
  } else {
    layer = layers[0];
  }
  if (!layer) return undefined;
  if (NESTED_MODELS.has(layer.className)) return inputConfigOf(layer.entry, source);
  return isObject(layer.entry.config) ? layer.entry.config : undefined;
}

function shapeIn(config: Record<string, unknown>): { key: string; shape: DeclaredShape } | undefined {
  for (const key of SHAPE_KEYS) {
    const value = config[key];
    if (Array.isArray(value) && value.length >= 2 && value.every((d) => d === null || (Number.isInteger(d) && (d as number) > 0))) {
      return { key, shape: (value as (number | null)[]).slice(1) };
    }
  }
  return undefined;
}

/** The input shape model.json declares (without the batch axis), `null` where a dimension is unknown; undefined when it declares none or several inputs. */
export function declaredInputShape(json: LayersModelJson, source: string): DeclaredShape | undefined {
  const config = inputConfigOf(modelConfigOf(json), source);
  return config && shapeIn(config)?.shape;
}

/** Whether a declared shape leaves a dimension unknown. */
export function hasUnknownDimensions(shape: DeclaredShape): boolean {
  return shape.some((d) => d === null);
}

/** `[null, 8]` as users write shapes. */
export function formatDeclaredShape(shape: DeclaredShape): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/**
 * Checks `shape` against the `declared` input shape: the same rank, every dimension a positive
 * integer, every known one equal. `INVALID_OPTION` (option `inputShape`) otherwise.
 */
export function checkPinnedShape(declared: DeclaredShape, shape: readonly number[], source: string): readonly number[] {
  const fits = shape.length === declared.length && shape.every((d, i) => Number.isInteger(d) && d > 0 && (declared[i] === null || declared[i] === d));
  if (!fits) {
    throw new DcError('INVALID_OPTION', `${source}: input shape [${shape.join(', ')}] does not fit the model's input ${formatDeclaredShape(declared)}`, {
      option: 'inputShape',
      hint: `Give ${declared.length} positive whole numbers, equal to the model's where it fixes a dimension: e.g. [${declared.map((d) => d ?? 'n').join(', ')}].`,
    });
  }
  return shape;
}

/**
 * A copy of `json` whose model input has `shape` (without the batch axis; checked by
 * {@link checkPinnedShape}), for tfjs to build the model at that shape. The weights are
 * unchanged: an unknown dimension never sizes a weight.
 */
export function withInputShape(json: LayersModelJson, shape: readonly number[], source: string): LayersModelJson {
  const copy = structuredClone(json) as LayersModelJson;
  const config = inputConfigOf(modelConfigOf(copy), source);
  const found = config && shapeIn(config);
  if (!config || !found) {
    throw new DcError('INVALID_OPTION', `${source}: the model declares no single input shape to fix`, { option: 'inputShape', hint: 'Only a model of one input, whose model.json declares its shape (batch_input_shape), takes an input shape.' });
  }
  config[found.key] = [null, ...checkPinnedShape(found.shape, shape, source)];
  return copy;
}
