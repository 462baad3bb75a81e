/**
 * Reading a tfjs `model.json` before tfjs does: its shape checked (`BAD_MODEL_JSON`), every layer
 * class checked against what the IR holds (`UNSUPPORTED_LAYER` / `UNSUPPORTED_TOPOLOGY`, naming
 * the layer, its class and what is supported) so that nothing is deserialised or trained first.
 * Both dialects are read: tfjs's `model.save` (`modelTopology: { class_name, config }`) and
 * `tensorflowjs_converter`'s Keras output (`modelTopology: { model_config, training_config }`).
 */
import { KERAS_LAYER_GRAPH_HINT, kerasLayerGraphProblem, MAX_NESTING, NESTED_MODELS } from '../container/keras-layer-graph.js';
import { DcError } from '../errors/dc-error.js';
import { isObject, textOf } from '../json.js';
import { checkDroppedOptions } from './dropped-options.js';
import { SUPPORTED_CLASSES } from './layer-configs.js';

/** One group of `weightsManifest`: shard files (relative to model.json) and the weights they hold, in order. */
export interface WeightGroup {
  readonly paths: readonly string[];
  readonly weights: readonly { readonly name: string; readonly shape: readonly number[]; readonly dtype: string; readonly quantization?: unknown; readonly group?: string }[];
}

/** The fields of a `model.json` this package reads (tfjs's `ModelJSON`, LayersModel format). */
export interface LayersModelJson {
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
  readonly modelTopology: Record<string, unknown>;
  readonly weightsManifest: readonly WeightGroup[];
  readonly trainingConfig?: Record<string, unknown>;
  readonly userDefinedMetadata?: Record<string, unknown>;
  /** GraphModels only: the signature (inputs and outputs) and the initializer graph. */
  readonly signature?: Record<string, unknown>;
  readonly modelInitializer?: Record<string, unknown>;
  readonly initializerSignature?: Record<string, unknown>;
}

/** The classes of a model used as a layer (defined beside the wiring check, which walks into them too). */
export { NESTED_MODELS };
const SUPPORTED: ReadonlySet<string> = new Set(SUPPORTED_CLASSES);

function bad(source: string, why: string): never {
  throw new DcError('BAD_MODEL_JSON', `${source}: ${why}`);
}

/** Parses and checks a model.json's text; `source` names it in errors. */
export function parseModelJson(text: string, source: string, format: ModelJsonFormat = 'layers-model'): LayersModelJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    // The parser quotes the text where it failed: on one line, as a binary file's bytes would break it.
    throw new DcError('BAD_MODEL_JSON', `${source} is not JSON: ${(cause as Error).message.replace(/[\r\n]+/g, ' ')}`, { cause });
  }
  return checkModelJson(json, source, format);
}

/** The kinds of tfjs model a model.json can hold. */
export type ModelJsonFormat = 'layers-model' | 'graph-model';

/** Whether a parsed model.json holds a GraphModel (`format: "graph-model"`, or a GraphDef topology). */
export function isGraphModelJson(json: unknown): boolean {
  return isObject(json) && (json.format === 'graph-model' || (isObject(json.modelTopology) && Array.isArray(json.modelTopology.node)));
}

/**
 * Checks an already parsed model.json object (see {@link parseModelJson}): a model of the other
 * `format` than expected (default `'layers-model'`) is `WRONG_MODEL_FORMAT`, a malformed one
 * `BAD_MODEL_JSON`.
 */
export function checkModelJson(json: unknown, source: string, format: ModelJsonFormat = 'layers-model'): LayersModelJson {
  // A list of weight groups is a weights manifest alone (face-api.js ships its models so): the topology lives in code.
  if (Array.isArray(json) && json.length > 0 && json.every((g) => isObject(g) && Array.isArray(g.paths) && Array.isArray(g.weights))) {
    bad(source, 'is a weights manifest alone (a list of weight groups), not a model.json: it has no model topology (a library that ships its models so builds them in code; save the built model with model.save() to get a model.json)');
  }
  if (!isObject(json)) bad(source, 'not a JSON object');
  if (isGraphModelJson(json) !== (format === 'graph-model')) {
    const graph = format === 'layers-model';
    throw new DcError('WRONG_MODEL_FORMAT', `${source} is a tfjs ${graph ? 'GraphModel (a frozen TensorFlow graph)' : `${textOf(json.format ?? 'layers-model') ?? 'unknown'} model`}, not a ${graph ? 'LayersModel: it has no layers to compress or retrain' : 'GraphModel'}`, {
      hint: graph
        ? 'Compress it without retraining: `dc compress model.json --no-retrain`, or loadGraphModelArtifacts / compressGraphModel from @dc/graph-model.'
        : 'Load a LayersModel with loadModel from @dc/core/tfjs (`dc compress` detects the format).',
    });
  }
  if (!isObject(json.modelTopology)) bad(source, 'has no modelTopology object');
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) bad(source, 'has no weightsManifest array (a topology-only model.json has no weights to compress)');
  manifest.forEach((g, i) => {
    if (!isObject(g) || !Array.isArray(g.paths) || !g.paths.every((p) => typeof p === 'string') || !Array.isArray(g.weights)) {
      bad(source, `weightsManifest[${i}] must be { paths: string[], weights: [...] }`);
    }
    g.weights.forEach((w, j) => {
      const problem = manifestEntryProblem(w);
      if (problem) bad(source, `weightsManifest[${i}].weights[${j}]: ${problem}`);
    });
  });
  return json as unknown as LayersModelJson;
}

/** The quantized dtypes tfjs reads from a manifest entry's `quantization`; uint8 and uint16 with `scale` and `min`. */
const QUANTIZED: ReadonlySet<string> = new Set(['uint8', 'uint16', 'float16']);

/**
 * Why `w` is not a weights manifest entry as tfjs reads one (`name` and `dtype` strings, `shape` a
 * list of extents, `quantization` as tfjs-converter writes it); undefined when it is.
 */
export function manifestEntryProblem(w: unknown): string | undefined {
  if (!isObject(w)) return 'is not an object';
  if (typeof w.name !== 'string') return 'has no string name';
  if (typeof w.dtype !== 'string') return `"${w.name}" has no string dtype`;
  if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return `"${w.name}" has shape ${JSON.stringify(w.shape)}, not a list of extents (whole numbers ≥ 0)`;
  if (w.quantization === undefined) return undefined;
  const q = w.quantization;
  if (!isObject(q) || typeof q.dtype !== 'string' || !QUANTIZED.has(q.dtype)) return `"${w.name}" has quantization ${JSON.stringify(q)}: tfjs reads { dtype: "uint8" | "uint16" | "float16" }`;
  if (q.dtype !== 'float16' && !(Number.isFinite(q.scale) && Number.isFinite(q.min))) return `"${w.name}" is ${q.dtype}-quantized without a finite scale and min`;
  return undefined;
}

/** The model's own config (`{ class_name, config }`), in either dialect. */
export function modelConfigOf(json: LayersModelJson): Record<string, unknown> {
  const topology = json.modelTopology;
  return isObject(topology.model_config) ? topology.model_config : topology;
}

/** A layer as model.json lists it. */
export interface LayerEntry {
  readonly name: string;
  readonly className: string;
  readonly inbound: unknown;
  /** The entry itself (`{ class_name, config, ... }`): a nested model's own config. */
  readonly entry: Record<string, unknown>;
}

/** The layers of one model config (`{ class_name, config }`), in either dialect; `BAD_MODEL_JSON` without a layer list. */
export function layersOf(modelConfig: Record<string, unknown>, source: string): LayerEntry[] {
  const config = modelConfig.config;
  const list = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(list)) bad(source, `modelTopology has no layer list (class_name ${textOf(modelConfig.class_name) ?? '?'})`);
  return list.map((entry, i) => {
    if (!isObject(entry) || typeof entry.class_name !== 'string') bad(source, `layer ${i} has no class_name`);
    const cfg = isObject(entry.config) ? entry.config : {};
    const name = typeof entry.name === 'string' ? entry.name : typeof cfg.name === 'string' ? cfg.name : `#${i}`;
    return { name, className: entry.class_name, inbound: entry.inbound_nodes, entry };
  });
}

/**
 * Checks every layer of the topology before anything is built, those of nested models (a model
 * used as a layer) too: a class the IR cannot hold (Conv3D, a custom layer class unknown to tfjs)
 * is `UNSUPPORTED_LAYER`, as is an option tfjs would read past ({@link checkDroppedOptions}; a Keras 3
 * topology is read after `fromKeras3` has rewritten it); a layer call whose input no layer makes,
 * on which tfjs would wait forever, `BAD_MODEL_JSON` (`kerasLayerGraphProblem`). Returns
 * the layer classes by name (a nested model's own name too).
 */
export function checkTopology(json: LayersModelJson, source: string): Map<string, string> {
  const classes = new Map<string, string>();
  checkLayerList(modelConfigOf(json), source, classes, 0);
  const wiring = kerasLayerGraphProblem(json.modelTopology);
  if (wiring) throw new DcError('BAD_MODEL_JSON', `${source}: ${wiring}`, { hint: KERAS_LAYER_GRAPH_HINT });
  return classes;
}


/** Checks the layers of one model config, and of the models nested in it (as layers), into `classes`. */
function checkLayerList(modelConfig: Record<string, unknown>, source: string, classes: Map<string, string>, depth: number): void {
  for (const layer of layersOf(modelConfig, source)) {
    if (NESTED_MODELS.has(layer.className)) {
      if (depth >= MAX_NESTING) bad(source, `models are nested more than ${MAX_NESTING} deep at "${layer.name}"`);
      checkLayerList(layer.entry, source, classes, depth + 1);
      classes.set(layer.name, layer.className);
      continue;
    }
    if (!SUPPORTED.has(layer.className)) {
      throw new DcError('UNSUPPORTED_LAYER', `${source}: layer "${layer.name}" (${layer.className}): this layer class is not supported`, {
        tensor: layer.name,
        hint: `Supported layer classes: ${SUPPORTED_CLASSES.join(', ')}. Replace or remove "${layer.name}" (a custom layer class needs an equivalent built from these).`,
      });
    }
    checkDroppedOptions(layer.entry, layer.name, source);
    classes.set(layer.name, layer.className);
  }
}

/** Every weight file the manifest names, in manifest order (duplicates kept once). */
export function weightPaths(json: LayersModelJson): string[] {
  return [...new Set(json.weightsManifest.flatMap((g) => g.paths))];
}

/** The training config wherever the dialect keeps it: `trainingConfig` (tfjs) or `modelTopology.training_config` (converter). */
export function trainingConfigOf(json: LayersModelJson): Record<string, unknown> | undefined {
  if (isObject(json.trainingConfig)) return json.trainingConfig;
  const inTopology = json.modelTopology.training_config;
  return isObject(inTopology) ? inTopology : undefined;
}
