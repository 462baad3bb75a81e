/**
 * `loadModel`: a tfjs LayersModel from where users keep it — a `model.json` path or `file://` URL
 * (Node, read by {@link fileHandler}), an `http(s)://` URL (tfjs's own `tf.io.http`), or any
 * `tf.io.IOHandler` — to the IR, with the loss and metrics it was compiled with.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError, isDcError } from '../errors/dc-error.js';
import type { Model } from '../ir/model.js';
import { trainingOf } from '../container/validate-training.js';
import { readCompileConfig, trainingRecordOf, type CompileConfig } from './compile-config.js';
import { fromLayersModel } from './convert-from.js';
import { fileHandler } from './file-handler.js';
import { SUPPORTED_CLASSES } from './layer-configs.js';
import { importTfjsPackage } from './load-tfjs.js';
import { checkPinnedShape, declaredInputShape, formatDeclaredShape, hasUnknownDimensions, withInputShape, type DeclaredShape } from './input-shape.js';
import { checkModelJson, checkTopology, trainingConfigOf, type LayersModelJson } from './model-json.js';
import { registerFor } from './layer-registrations.js';
import { tfjsReadable } from './tfjs-readable.js';
import { withResetAfterGruClass } from './reset-after-gru.js';

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** The tfjs namespace to load with. Default: `@tensorflow/tfjs`, imported when called (its current backend is used). */
  tf?: typeof tf;
  /**
   * The input shape (without the batch axis) to load a model at whose input leaves dimensions
   * unknown (`null` in model.json: `[null]` for token sequences of any length, `[null, null, 3]` for
   * a fully convolutional image model), since the IR, the file and the runtimes plan every buffer
   * for one shape; equal to the model's in each dimension it fixes. Or a function of the declared
   * shape that returns it, called only when a dimension is unknown (to read it from the data).
   * Without it such a model is `UNSUPPORTED_TOPOLOGY`. A fixed-shape model takes only its own shape
   * (any other: `INVALID_OPTION`) and never calls the function.
   */
  inputShape?: readonly number[] | ((declared: DeclaredShape) => readonly number[] | Promise<readonly number[]>);
}

/** What {@link loadModel} returns. */
export interface LoadedModel {
  /** The model as IR, weights bit-exact (quantized weights dequantized by tfjs). */
  readonly model: Model;
  /** The loss and metrics from `model.compile`, when the file records them (pass to `createTfjsTrainer({ compile })`). */
  readonly compile?: CompileConfig;
  /** Who wrote the file (`generatedBy`, `convertedBy` of model.json), when it says. */
  readonly generatedBy?: string;
  readonly convertedBy?: string;
  /** The input shape model.json declares, when it left dimensions unknown and `inputShape` fixed them (the IR's `inputShape`). */
  readonly declaredInputShape?: DeclaredShape;
}

const isNode = () => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

function handlerFor(tfjs: typeof tf, source: string | tf.io.IOHandler): tf.io.IOHandler {
  if (typeof source !== 'string') return source;
  if (/^https?:\/\//i.test(source) || !isNode()) return tfjs.io.http(source);
  return fileHandler(source);
}

/** tfjs's error for a layer class it does not know, as our `UNSUPPORTED_LAYER`; anything else as `BAD_MODEL_JSON`. */
function translate(error: unknown, where: string): DcError {
  if (isDcError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown (?:layer|class name)[^:]*: (\S+?)\.?(?:\s|$)/.exec(message);
  if (unknown) {
    return new DcError('UNSUPPORTED_LAYER', `${where}: layer class "${unknown[1]}" is not supported (tfjs does not know it: a custom layer class)`, {
      cause: error,
      hint: `Supported layer classes: ${SUPPORTED_CLASSES.join(', ')}.`,
    });
  }
  return new DcError('BAD_MODEL_JSON', `${where}: tfjs could not build the model: ${message.split('\n')[0]}`, { cause: error });
}

/**
 * The shape to load a model declaring `declared` at: undefined when it is fixed (an `inputShape`
 * given must equal it), else `inputShape`'s (checked against it), else `UNSUPPORTED_TOPOLOGY`.
 */
async function pinnedShape(declared: DeclaredShape, inputShape: LoadModelOptions['inputShape'], where: string): Promise<readonly number[] | undefined> {
  if (!hasUnknownDimensions(declared)) {
    if (Array.isArray(inputShape)) checkPinnedShape(declared, inputShape, where);
    return undefined;
  }
  if (inputShape === undefined) {
    throw new DcError('UNSUPPORTED_TOPOLOGY', `${where}: the model's input ${formatDeclaredShape(declared)} leaves dimensions unknown (null), and a compressed model runs at one fixed shape`, {
      option: 'inputShape',
      hint: `Fix them: loadModel(source, { inputShape: [${declared.map((d) => d ?? 'n').join(', ')}] }); dc compress takes --input-shape, or the shape of the rows of a .npy or CSV --data.`,
    });
  }
  return checkPinnedShape(declared, typeof inputShape === 'function' ? await inputShape(declared) : inputShape, where);
}

/** A record `dc export` (`dcmHandler`) wrote in a model.json's metadata (`{ dcm: { ... } }`), unchecked; undefined without one. */
function exportRecord(artifacts: tf.io.ModelArtifacts, field: 'training' | 'fixedStatistics'): unknown {
  return (artifacts.userDefinedMetadata as { dcm?: Record<string, unknown> } | undefined)?.dcm?.[field];
}

/** The loss a model.json that `dc export` wrote records in its metadata (`{ dcm: { training } }`), as a compile config; undefined without one. */
function exportedCompile(artifacts: tf.io.ModelArtifacts, where: string): CompileConfig | undefined {
  const recorded = exportRecord(artifacts, 'training');
  if (recorded === undefined) return undefined;
  try {
    return { ...trainingOf(recorded, 'userDefinedMetadata.dcm.training'), metrics: [] };
  } catch (error) {
    throw new DcError('BAD_MODEL_JSON', `${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * `model` with the batch norms that `dc export` (`dcmHandler`) named in the metadata's
 * `fixedStatistics` marked fixed again (Keras' `Normalization`, exported as a `BatchNormalization`);
 * `BAD_MODEL_JSON` for a record that is not a list of the model's batch-norm layers.
 */
function withExportedFixedStatistics(model: Model, artifacts: tf.io.ModelArtifacts, where: string): Model {
  const recorded = exportRecord(artifacts, 'fixedStatistics');
  if (recorded === undefined) return model;
  const batchNorms = new Set(model.layers.filter((l) => l.config.kind === 'batchNorm').map((l) => l.name));
  if (!Array.isArray(recorded) || !recorded.every((n) => batchNorms.has(n as string))) {
    throw new DcError('BAD_MODEL_JSON', `${where}: userDefinedMetadata.dcm.fixedStatistics must list batch-norm layers of the model, got ${JSON.stringify(recorded).slice(0, 200)}`);
  }
  const names = new Set(recorded as string[]);
  return { ...model, layers: model.layers.map((l) => (names.has(l.name) && l.config.kind === 'batchNorm' ? { ...l, config: { ...l.config, fixed: true } } : l)) };
}

/**
 * Loads a tfjs LayersModel (Sequential or functional) and converts it to the IR. `source` is a
 * `model.json` path or `file://` URL (Node), an `http(s)://` URL (any platform, tfjs's `tf.io.http`),
 * or any `tf.io.IOHandler`. Files written by `tensorflowjs_converter` (Keras format, sharded and
 * quantized weights) and by tfjs's `model.save` load unchanged; so do the converter's files of
 * Keras 3 models, which tfjs itself cannot load (`fromKeras3`, with the other rewrites of `tfjs-readable.ts`).
 *
 * Before tfjs builds anything, every layer class is checked: an unsupported one (Conv3D, a custom
 * class) is `UNSUPPORTED_LAYER` naming the layer, its class and the supported classes; a nested
 * model is `UNSUPPORTED_TOPOLOGY`. A malformed file is `BAD_MODEL_JSON`; missing weight files are
 * `MODEL_WEIGHTS_MISSING`. The training config is read here (not by tfjs, which cannot read every
 * Keras optimizer config) and returned as `compile`. An input of unknown dimensions is loaded at
 * `options.inputShape`.
 */
export async function loadModel(source: string | tf.io.IOHandler, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const tfjs = options.tf ?? (await importTfjsPackage('@tensorflow/tfjs'));
  const where = typeof source === 'string' ? source : 'the model';
  const handler = handlerFor(tfjs, source);
  if (typeof handler.load !== 'function') throw new DcError('INVALID_OPTION', 'the IOHandler has no load()', { option: 'source' });
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await handler.load();
  } catch (error) {
    if (isDcError(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DcError(/weight|shard|fetch/i.test(message) ? 'MODEL_WEIGHTS_MISSING' : 'BAD_MODEL_JSON', `${where}: ${message.split('\n')[0]}`, { cause: error });
  }
  // Keras layers tfjs cannot build (or builds wrongly) as dc's layers that compute them, Keras 3's dialect as Keras 2's.
  artifacts = tfjsReadable(artifacts, where);
  const json = checkModelJson({ ...artifacts, weightsManifest: [] }, where) as LayersModelJson;
  checkTopology(json, where);
  const declared = declaredInputShape(json, where);
  const pinned = declared && (await pinnedShape(declared, options.inputShape, where));
  const topology = pinned ? withInputShape(json, pinned, where).modelTopology : artifacts.modelTopology;
  const trainingConfig = trainingConfigOf(json);
  const compile = trainingConfig ? readCompileConfig(trainingConfig) : exportedCompile(artifacts, where);
  // Keras' GRU with reset_after (its default), which tfjs's GRU refuses, as dc's layer that computes it.
  const buildable = withResetAfterGruClass(topology);
  registerFor(tfjs, buildable);
  let lm: tf.LayersModel;
  try {
    // Without trainingConfig: tfjs would compile the model and fail on Keras optimizers it lacks.
    // Shards joined first: tfjs 4.22's CompositeArrayBuffer maps a byte to shard floor(byte / first
    // shard's size), which misreads shard lists whose last shard is the larger (a handler's own).
    const weightData = Array.isArray(artifacts.weightData) ? tfjs.io.CompositeArrayBuffer.join(artifacts.weightData) : artifacts.weightData;
    lm = await tfjs.loadLayersModel({ load: async () => ({ ...artifacts, modelTopology: buildable as tf.io.ModelArtifacts['modelTopology'], weightData, trainingConfig: undefined }) });
  } catch (error) {
    throw translate(error, where);
  }
  try {
    const training = compile && trainingRecordOf(compile);
    const model = withExportedFixedStatistics(fromLayersModel(lm), artifacts, where);
    return {
      model: training ? { ...model, training } : model,
      ...(compile ? { compile } : {}),
      ...(artifacts.generatedBy ? { generatedBy: artifacts.generatedBy } : {}),
      ...(artifacts.convertedBy ? { convertedBy: artifacts.convertedBy } : {}),
      ...(pinned ? { declaredInputShape: declared } : {}),
    };
  } finally {
    lm.dispose();
  }
}
