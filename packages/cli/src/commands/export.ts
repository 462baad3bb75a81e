/**
 * `dc export <file.dcm> -o <folder | .json>`: the file's model back as a tfjs `model.json` and
 * `weights.bin` — a LayersModel, or a GraphModel with its topology and signature as they came — with
 * dense float32 weights (pruned weights exact zeros, clustered ones their centroids), for code that
 * loads models with `tf.loadLayersModel` / `tf.loadGraphModel`, retrains them, or converts them on
 * with tensorflowjs_converter. The file is decoded completely before anything is written, and each
 * written file goes to a temporary name and is renamed.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { DcError, type Preprocessing } from '@dc/core';
import { dcmHandler, fileHandler, registrationsFor, savedFilePaths } from '@dc/core/tfjs';
import { dcmGraphModelHandler, dcmLayersModelHandler } from '@dc/graph-model';
import { huffmanDecoder } from '@dc/huffman/decode';
import { ransDecoder } from '@dc/rans/decode';
import { quietTfjs } from '../quiet-tfjs.js';
import { isGraphModelDcm, isLayersRecordDcm, readHead } from './inspect-graph.js';

/** What `dc export --json` prints. */
export interface ExportResult {
  readonly file: string;
  readonly format: 'layers-model' | 'graph-model';
  /** The model.json written. */
  readonly modelJson: string;
  /** Bytes of the weight file written beside it. */
  readonly weightBytes: number;
  /** Weights (tensors) and their float32 elements. */
  readonly weights: number;
  readonly elements: number;
  /** Float32 elements that are exactly zero (pruned, or zero as they came). */
  readonly zeros: number;
  /** The input scaling the file records, kept in the model.json's `userDefinedMetadata.dcm` (tfjs does not apply it). */
  readonly preprocessing: Preprocessing | null;
  /**
   * The `@dc/core/tfjs` functions to call with the tfjs namespace before `tf.loadLayersModel` reads
   * the model.json, for what tfjs 4.22 cannot load alone (`registrationsFor` of `@dc/core/tfjs`):
   * `registerSubtractLayer` (Keras's `Subtract`), `registerGeluNewActivation` (`gelu_new`),
   * `registerHardSiluActivation` (Keras 3's `hard_silu`), `registerResetAfterGru` (Keras' reset-after
   * GRU), `registerUnitNormalization` and `registerGroupNormalization` (Keras' `UnitNormalization`,
   * `GroupNormalization`); empty for most models.
   */
  readonly register: readonly string[];
}

/** Options of {@link exportFile}. */
export interface ExportOptions {
  /** Replace a model.json or weight file already at the target (`--force`); default: refuse. */
  readonly force?: boolean;
}

/**
 * `INVALID_OPTION` when a file the export writes is already there: a folder's model.json may be the
 * model the `.dcm` came from (tfjs-node saves its weights as weights.bin too), and nothing gives it
 * back once replaced.
 */
async function refuseReplacing(paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    if (!(await stat(p).then(() => true, () => false))) continue;
    throw new DcError('INVALID_OPTION', `dc export would replace ${p}, which is already there`, {
      option: 'out',
      hint: 'Give -o a new folder (or a new .json name), or add --force to replace it.',
    });
  }
}

/** Exports the `.dcm` at `path` as a tfjs model.json (+ weights.bin) at `out`: a folder, or a `.json` path. */
export async function exportFile(path: string, out: string, options: ExportOptions = {}): Promise<ExportResult> {
  // A missing file, or one that is no .dcm, is refused as dc run and dc inspect refuse it.
  await readHead(path);
  const target = resolve(out);
  const written = await savedFilePaths(target);
  if (!options.force) await refuseReplacing([written.modelJson, written.weights]);
  const bytes = new Uint8Array(await readFile(path));
  const decoders = [huffmanDecoder, ransDecoder];
  // A LayersModel kept as given (version 8) exports as the LayersModel it is.
  const layersRecord = isLayersRecordDcm(bytes);
  const graph = isGraphModelDcm(bytes) && !layersRecord;
  // Decoded in full (every checksum and stream) before anything is written; only a layer graph through tfjs.
  const handler = layersRecord ? dcmLayersModelHandler(bytes, { decoders }) : graph ? dcmGraphModelHandler(bytes, { decoders }) : dcmHandler(bytes, { decoders, tf: await quietTfjs() });
  const artifacts = await handler.load!();
  await fileHandler(target).save!(artifacts);
  const specs = artifacts.weightSpecs ?? [];
  const data = artifacts.weightData as ArrayBuffer;
  let offset = 0;
  let elements = 0;
  let zeros = 0;
  for (const spec of specs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype === 'float32') {
      const values = new Float32Array(data, offset, n);
      elements += n;
      for (const v of values) if (v === 0) zeros++;
    }
    offset += n * 4;
  }
  return {
    file: path,
    format: graph ? 'graph-model' : 'layers-model',
    modelJson: written.modelJson,
    weightBytes: data.byteLength,
    weights: specs.length,
    elements,
    zeros,
    preprocessing: preprocessingOf(artifacts),
    register: graph ? [] : registrationsFor(artifacts.modelTopology),
  };
}


/** The preprocessing record the handlers put in the artifacts (`userDefinedMetadata.dcm.preprocessing`), else null. */
function preprocessingOf(artifacts: tf.io.ModelArtifacts): Preprocessing | null {
  const meta = artifacts.userDefinedMetadata as { dcm?: { preprocessing?: Preprocessing } } | undefined;
  return meta?.dcm?.preprocessing ?? null;
}

/** The human-readable summary of {@link exportFile}. */
export function formatExport(r: ExportResult): string {
  const kind = r.format === 'graph-model' ? 'GraphModel (tf.loadGraphModel)' : 'LayersModel (tf.loadLayersModel)';
  return [
    `${r.modelJson}: a tfjs ${kind} with ${r.weights} weights (${r.weightBytes.toLocaleString('en')} B of weights beside it), decoded from ${r.file}`,
    `${r.zeros.toLocaleString('en')} of ${r.elements.toLocaleString('en')} float32 weights are exactly zero${r.preprocessing ? `; the file's input scaling (x × [${r.preprocessing.scale.join(', ')}] + [${r.preprocessing.offset.join(', ')}]) is kept in userDefinedMetadata.dcm: tfjs does not apply it` : ''}`,
    ...(r.register.length > 0 ? [`tfjs 4.22 loads it after ${r.register.map((f) => `${f}(tf)`).join(', ').replace(/, ([^,]*)$/, ' and $1')} from @dc/core/tfjs`] : []),
  ].join('\n');
}
