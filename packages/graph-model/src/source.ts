/**
 * A GraphModel as this package works on it: tfjs's `ModelArtifacts` (topology untouched) and its
 * weights as plain typed arrays, in manifest order, quantized manifest weights dequantized to
 * float32 exactly as tfjs does when it loads them (`tf.io.decodeWeights`).
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError, graphConstProblem, graphRecordProblem, initializerIsMapped, isObject, textOf, type GraphModelRecord, type TensorDtype } from '@dc/core';
import { importTfjsPackage, manifestEntryProblem } from '@dc/core/tfjs';
import { graphDefProblem } from './graph-def.js';
import { checkGraphOps } from './supported-ops.js';

/** One weight of a GraphModel. */
export interface GraphModelSourceTensor {
  /** The weight's name: the name of its `Const` node (may contain `/`). */
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: TensorDtype;
  /** Row-major values: float32 (dequantized when the manifest quantized them), int32, or bool as 0 / 1. */
  readonly values: Float32Array | Int32Array | Uint8Array;
  /** How the manifest stored the weight, when quantized. */
  readonly quantization?: 'uint8' | 'float16' | 'uint16';
}

/** A loaded GraphModel: its artifacts as read and its weights decoded. */
export interface GraphModelSource {
  /** tfjs's artifacts as read from model.json and the shards (weights still as the manifest stores them). */
  readonly artifacts: tf.io.ModelArtifacts;
  /** Every weight, in manifest order. */
  readonly tensors: readonly GraphModelSourceTensor[];
}

/** Options of {@link graphModelSource} and `loadGraphModelArtifacts`. */
export interface GraphModelSourceOptions {
  /** Ops you registered with `tf.registerOp` (accepted although tfjs-converter does not map them). */
  readonly customOps?: readonly string[];
  /** The tfjs namespace that decodes the weights; default `@tensorflow/tfjs`. */
  readonly tf?: typeof tf;
}

const DTYPES: ReadonlySet<string> = new Set(['float32', 'int32', 'bool']);

/** The model.json record a `.dcm` file keeps: everything of the artifacts but the weights (a GraphModel's unless `format` is `"layers-model"`). */
export function graphModelRecord(artifacts: tf.io.ModelArtifacts): GraphModelRecord {
  const a = artifacts as tf.io.ModelArtifacts & { modelInitializer?: object; initializerSignature?: object };
  return {
    format: a.format === 'layers-model' ? 'layers-model' : 'graph-model',
    modelTopology: a.modelTopology as Record<string, unknown>,
    ...(a.signature === undefined ? {} : { signature: a.signature as Record<string, unknown> }),
    ...(a.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: a.userDefinedMetadata as Record<string, unknown> }),
    ...(a.modelInitializer === undefined ? {} : { modelInitializer: a.modelInitializer as Record<string, unknown> }),
    ...(a.initializerSignature === undefined ? {} : { initializerSignature: a.initializerSignature as Record<string, unknown> }),
    ...(a.generatedBy === undefined ? {} : { generatedBy: a.generatedBy }),
    ...(a.convertedBy === undefined ? {} : { convertedBy: a.convertedBy }),
    ...(a.trainingConfig === undefined ? {} : { trainingConfig: a.trainingConfig as unknown as Record<string, unknown> }),
  };
}

/** `BAD_MODEL_JSON` for a manifest entry that is not one (`manifestEntryProblem` of `@dc/core/tfjs`), or a weight of a dtype the file cannot store. */
export function checkWeightDtypes(artifacts: tf.io.ModelArtifacts, source: string): void {
  for (const [i, w] of (artifacts.weightSpecs ?? []).entries()) {
    const entry = manifestEntryProblem(w);
    if (entry) throw new DcError('BAD_MODEL_JSON', `${source}: weight spec ${i}: ${entry}`, { hint: 'Pass the model.json and weights tensorflowjs_converter wrote, unedited.' });
    if (!DTYPES.has(w.dtype)) throw new DcError('BAD_MODEL_JSON', `${source}: weight ${w.name} has dtype ${w.dtype}; this package stores float32, int32 and bool weights`, { tensor: w.name, hint: 'Models with string or complex weights (lookup tables) cannot be compressed by @dc/graph-model.' });
  }
}

/** Every weight of `artifacts` decoded as tfjs decodes it (quantized manifest weights dequantized), in manifest order. */
export async function decodeSourceTensors(artifacts: tf.io.ModelArtifacts, options: GraphModelSourceOptions = {}): Promise<GraphModelSourceTensor[]> {
  const specs = artifacts.weightSpecs ?? [];
  const tfjs = options.tf ?? (await importTfjsPackage('@tensorflow/tfjs'));
  const decoded = tfjs.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), specs);
  const tensors = specs.map((w): GraphModelSourceTensor => {
    const t = decoded[w.name];
    const data = t.dataSync();
    const values = w.dtype === 'bool' ? Uint8Array.from(data as Uint8Array) : w.dtype === 'int32' ? Int32Array.from(data as Int32Array) : Float32Array.from(data as Float32Array);
    const q = w.quantization?.dtype;
    return { name: w.name, shape: [...w.shape], dtype: w.dtype as TensorDtype, values, ...(q === undefined ? {} : { quantization: q }) };
  });
  tfjs.dispose(Object.values(decoded));
  return tensors;
}

/**
 * Checks that `artifacts` (from any tfjs IOHandler) hold a GraphModel that tfjs can run and that
 * this package can store, then decodes its weights. `WRONG_MODEL_FORMAT` for a LayersModel (use
 * `loadModel` of `@dc/core/tfjs`), `BAD_MODEL_JSON` for a topology (or table initializer) that is
 * not a GraphDef, or that tfjs could not run (`graphRecordProblem` of `@dc/core`: edges it cannot
 * follow, an input naming no node, two nodes of one name, a cycle that is not a loop; node
 * attributes it cannot read or TensorFlow would not take, a list attribute not in `AttrValue` form,
 * a zero stride or window, an unknown padding; a signature naming no node), a weight of a dtype
 * other than float32 / int32 / bool, or a manifest that disagrees with the graph's `Const` nodes (`graphConstProblem` of
 * `@dc/core`), `UNSUPPORTED_OP` for a node whose op tfjs-converter cannot execute: all before any
 * weight is decoded.
 */
export async function graphModelSource(artifacts: tf.io.ModelArtifacts, source: string, options: GraphModelSourceOptions = {}): Promise<GraphModelSource> {
  const topology = artifacts.modelTopology;
  if (artifacts.format !== undefined && artifacts.format !== 'graph-model') {
    throw new DcError('WRONG_MODEL_FORMAT', `${source} is a tfjs ${textOf(artifacts.format) ?? 'unknown'} model, not a GraphModel`, { hint: 'Load a LayersModel with loadModel from @dc/core/tfjs; `dc compress` detects the format.' });
  }
  const initializer: unknown = artifacts.modelInitializer;
  // An object tfjs maps no graph from is read as tfjs reads it; anything else but null is refused.
  const absent = initializer === undefined || initializer === null || (isObject(initializer) && !initializerIsMapped(initializer));
  const graphProblem = graphDefProblem(topology) ?? (absent ? undefined : graphDefProblem(initializer, 'modelInitializer'));
  if (graphProblem) {
    throw new DcError('BAD_MODEL_JSON', `${source}: not a TensorFlow GraphDef in JSON: ${graphProblem}`, { hint: 'Pass a model.json written by tensorflowjs_converter with --output_format tfjs_graph_model.' });
  }
  const unrunnable = graphRecordProblem(artifacts);
  if (unrunnable) throw new DcError('BAD_MODEL_JSON', `${source}: tfjs cannot run its graph: ${unrunnable}`, { hint: 'Convert the model again with tensorflowjs_converter: its graph was edited or damaged.' });
  checkWeightDtypes(artifacts, source);
  const consts = graphConstProblem(topology, artifacts.weightSpecs ?? []);
  if (consts) throw new DcError('BAD_MODEL_JSON', `${source}: ${consts}`, { hint: 'The manifest (weightsManifest) and the graph (modelTopology) disagree: convert the model again with tensorflowjs_converter, or check that model.json and its weight files belong together.' });
  await checkGraphOps(topology as Record<string, unknown>, source, options.customOps);
  return { artifacts, tensors: await decodeSourceTensors(artifacts, options) };
}
