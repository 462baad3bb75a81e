/**
 * A Node file-system `tf.io.IOHandler` — what tfjs-node's `file://` handler does, for plain
 * `@tensorflow/tfjs` (tfjs-node cannot install everywhere). It reads a `model.json` and its weight
 * shards exactly as `tensorflowjs_converter` and `model.save()` write them (groups of shard files,
 * quantized weights left for tfjs to decode), and writes `model.json` + `weights.bin` the way
 * tfjs-node does, each file atomically. Node modules are imported when a method runs, so importing
 * this module stays browser-safe.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import { fileReadError, isFolderPath } from '../errors/file-read-error.js';
import { otherModelFormat, SAVED_MODEL } from './other-model-formats.js';
import { parseModelJson, weightPaths, type LayersModelJson, type ModelJsonFormat } from './model-json.js';

type ModelArtifacts = tf.io.ModelArtifacts;

/** Bytes per element of a stored weight: its quantized dtype if any, else its dtype. */
const BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, uint8: 1, int8: 1, uint16: 2, int16: 2, float16: 2 };

/** The path a `file://` URL or plain path names. */
async function toPath(pathOrUrl: string): Promise<string> {
  if (!pathOrUrl.startsWith('file://')) return pathOrUrl;
  const { fileURLToPath } = await import('node:url');
  return fileURLToPath(pathOrUrl);
}

function expectedBytes(json: LayersModelJson): number | undefined {
  let total = 0;
  for (const group of json.weightsManifest) {
    for (const w of group.weights) {
      const q = (w.quantization as { dtype?: string } | undefined)?.dtype;
      const per = BYTES[q ?? w.dtype];
      if (per === undefined) return undefined; // string tensors: sizes are in the data
      total += w.shape.reduce((a, b) => a * b, 1) * per;
    }
  }
  return total;
}

/**
 * Reads a model.json and its weight files into tfjs `ModelArtifacts`, the topology and the weight
 * bytes unchanged (quantized weights stay quantized). `format` is the kind of model expected
 * (`WRONG_MODEL_FORMAT` for the other); every weight file is checked inside the model.json's folder
 * (`BAD_MODEL_JSON`), present and long enough (`MODEL_WEIGHTS_MISSING`) before any is read.
 */
export async function readModelArtifacts(pathOrUrl: string, format: ModelJsonFormat = 'layers-model'): Promise<{ json: LayersModelJson; artifacts: ModelArtifacts }> {
  const { readFile, stat } = await import('node:fs/promises');
  const { dirname, isAbsolute, join, relative, resolve, sep } = await import('node:path');
  const path = await toPath(pathOrUrl);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    const isFile = (name: string) => stat(join(path, name)).then((s) => s.isFile(), () => false);
    // A folder: the one that holds the model.json, or a SavedModel's, says what to pass.
    if (isFolderPath(cause) && (await isFile('model.json'))) throw fileReadError(path, cause, 'BAD_MODEL_JSON', { hint: `Pass the model.json in it: ${join(path, 'model.json')}.` });
    if (isFolderPath(cause) && (await isFile('saved_model.pb'))) throw new DcError('BAD_MODEL_JSON', `${path} is ${SAVED_MODEL.name}, not a tfjs model.json`, { cause, hint: SAVED_MODEL.hint });
    throw fileReadError(path, cause, 'BAD_MODEL_JSON', { hint: 'Pass the path of the model.json file (its weight files lie next to it).' });
  }
  const other = otherModelFormat(bytes.subarray(0, 8));
  if (other) throw new DcError('BAD_MODEL_JSON', `${path} is ${other.name}, not a tfjs model.json`, { hint: other.hint });
  const json = parseModelJson(new TextDecoder().decode(bytes), path, format);
  const dir = dirname(path);
  // A model.json names its shards inside its own folder; one that reaches outside it (absolute, or
  // up through `..`) would have any file of the machine read as weights and written into a .dcm.
  const paths = weightPaths(json);
  const outside = paths.filter((p) => {
    const within = relative(dir, resolve(dir, p));
    return within === '' || isAbsolute(within) || within.split(sep)[0] === '..';
  });
  if (outside.length > 0) {
    throw new DcError('BAD_MODEL_JSON', `${path}: its weightsManifest names weight files outside the model's folder: ${outside.join(', ')}`, {
      hint: 'A model.json names its weight files relative to its own folder and inside it (model.save() and tensorflowjs_converter write shard names only): put the shards beside model.json and name them so.',
    });
  }
  const files = paths.map((p) => resolve(dir, p));
  const sizes = await Promise.all(files.map((f) => stat(f).then((s) => (s.isFile() ? s.size : undefined), () => undefined)));
  const missing = files.filter((_, i) => sizes[i] === undefined);
  if (missing.length > 0) {
    throw new DcError('MODEL_WEIGHTS_MISSING', `${path} lists ${files.length} weight file(s); missing: ${missing.join(', ')}`, {
      hint: `Copy the weight files next to ${path} (model.json names them relative to its own folder), or save the model again.`,
    });
  }
  const need = expectedBytes(json);
  const have = sizes.reduce<number>((a, b) => a + (b ?? 0), 0);
  if (need !== undefined && have < need) {
    throw new DcError('MODEL_WEIGHTS_MISSING', `${path}: its weight files hold ${have} bytes, the manifest needs ${need} (a shard is truncated or from another model)`, {
      hint: 'Copy the weight files again, complete, or save the model again.',
    });
  }
  const data = new Uint8Array(have);
  let offset = 0;
  for (const f of files) {
    const bytes = await readFile(f);
    data.set(bytes, offset);
    offset += bytes.length;
  }
  const artifacts: ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
    weightData: data.buffer,
    ...(json.format === undefined ? {} : { format: json.format }),
    ...(json.generatedBy === undefined ? {} : { generatedBy: json.generatedBy }),
    ...(json.convertedBy == null ? {} : { convertedBy: json.convertedBy }),
    ...(json.trainingConfig === undefined ? {} : { trainingConfig: json.trainingConfig as unknown as tf.io.TrainingConfig }),
    ...(json.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: json.userDefinedMetadata as NonNullable<ModelArtifacts['userDefinedMetadata']> }),
    // GraphModels: the signature and the initializer graph, as tfjs's own loaders pass them on.
    ...(json.signature === undefined ? {} : { signature: json.signature }),
    ...(json.modelInitializer === undefined ? {} : { modelInitializer: json.modelInitializer }),
    ...(json.initializerSignature === undefined ? {} : { initializerSignature: json.initializerSignature }),
  };
  return { json, artifacts };
}

function joinWeightData(data: tf.io.WeightData | undefined): Uint8Array {
  const parts = data === undefined ? [] : Array.isArray(data) ? data : [data];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  return out;
}

/** Where a save goes: a `.json` path is the model.json itself; anything else is a folder. */
async function savePaths(pathOrUrl: string): Promise<{ dir: string; json: string; weightsName: string }> {
  const { basename, dirname, join } = await import('node:path');
  const path = await toPath(pathOrUrl);
  if (!path.endsWith('.json')) return { dir: path, json: join(path, 'model.json'), weightsName: 'weights.bin' };
  const stem = basename(path, '.json');
  return { dir: dirname(path), json: path, weightsName: stem === 'model' ? 'weights.bin' : `${stem}.weights.bin` };
}

/**
 * The files a save to `pathOrUrl` writes (see {@link fileHandler}): a folder's `model.json` and
 * `weights.bin`, or a `.json` path and `<stem>.weights.bin` beside it (`weights.bin` for
 * `model.json`). For a caller that must not replace what is there.
 */
export async function savedFilePaths(pathOrUrl: string): Promise<{ modelJson: string; weights: string }> {
  const { join } = await import('node:path');
  const { dir, json, weightsName } = await savePaths(pathOrUrl);
  return { modelJson: json, weights: join(dir, weightsName) };
}

/** Writes `ModelArtifacts` (a LayersModel's, or a GraphModel's with its signature) as model.json + one weight file; returns what tfjs's `SaveResult` reports. */
export async function writeModelArtifacts(pathOrUrl: string, artifacts: ModelArtifacts): Promise<tf.io.SaveResult> {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new DcError('BAD_MODEL_JSON', 'a binary (GraphModel) topology cannot be saved as a LayersModel model.json');
  }
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { writeFileAtomic } = await import('../node/write-file-atomic.js');
  const { dir, json, weightsName } = await savePaths(pathOrUrl);
  await mkdir(dir, { recursive: true }).catch((cause: unknown) => {
    throw new DcError('WRITE_FAILED', `cannot create ${dir}: ${(cause as Error).message}`, { cause });
  });
  const weights = joinWeightData(artifacts.weightData);
  const modelJson = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [weightsName], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig === undefined ? {} : { trainingConfig: artifacts.trainingConfig }),
    ...(artifacts.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: artifacts.userDefinedMetadata }),
    // GraphModels: the signature and the initializer graph, which tfjs's loaders read back.
    ...(artifacts.signature === undefined ? {} : { signature: artifacts.signature }),
    ...(artifacts.modelInitializer === undefined ? {} : { modelInitializer: artifacts.modelInitializer }),
    ...(artifacts.initializerSignature === undefined ? {} : { initializerSignature: artifacts.initializerSignature }),
  };
  const text = new TextEncoder().encode(JSON.stringify(modelJson));
  // Weights first: a reader never sees a new model.json before the weights it names.
  await writeFileAtomic(join(dir, weightsName), weights);
  await writeFileAtomic(json, text);
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: 'JSON',
      modelTopologyBytes: new TextEncoder().encode(JSON.stringify(artifacts.modelTopology)).length,
      weightSpecsBytes: new TextEncoder().encode(JSON.stringify(artifacts.weightSpecs ?? [])).length,
      weightDataBytes: weights.length,
    },
  };
}

/**
 * A `tf.io.IOHandler` on the local file system (Node), for `tf.loadLayersModel(fileHandler(p))`
 * and `model.save(fileHandler(p))`. Loading takes the path (or `file://` URL) of a `model.json`;
 * its weight files are read relative to it, and a missing or short one is
 * `MODEL_WEIGHTS_MISSING`. Saving takes a folder (writes `model.json` and `weights.bin`, as
 * tfjs-node does; the folder is created) or a `.json` path; each file is written to a temporary
 * name and renamed, weights first, so an existing model is never left half-replaced.
 */
export function fileHandler(pathOrUrl: string): tf.io.IOHandler {
  return {
    load: async () => (await readModelArtifacts(pathOrUrl)).artifacts,
    save: (artifacts) => writeModelArtifacts(pathOrUrl, artifacts),
  };
}
