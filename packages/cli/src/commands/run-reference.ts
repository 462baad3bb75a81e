/**
 * `dc run model.dcm --reference model.json --data <images dir | .npy>`: how faithfully a `.dcm`
 * file reproduces the model it was compressed from, output by output (`@dc/allocate`'s fidelity
 * metrics and budget), for LayersModels (the file run by the sparse runtime) and GraphModels (the
 * file loaded by `tf.loadGraphModel` through `@dc/graph-model`'s handler).
 */
import { readFile } from 'node:fs/promises';
import { budgetFor, compareOutputs, DEFAULT_MAX_OUTPUT_DRIFT, outputKindsOf, type FidelityReport, type OutputKind } from '@dc/allocate';
import { DcError, readGraphModelHeader } from '@dc/core';
import { selectTrainingBackend } from '@dc/core/tfjs';
import { loadCompressedModel } from '@dc/sparse-runtime';
import { feedTensors, inputSources, readInputFeeds } from '../no-retrain/input-feeds.js';
import { withFreeDimensions } from '../compress/input-shape.js';
import { formatPixelScale, inputScaling, type InputScaling, type ScaleFlag } from '../no-retrain/pixel-scale.js';
import { judgedReference } from '../no-retrain/judged-reference.js';
import { loadTarget, type Target } from '../no-retrain/targets.js';
import { isLayersRecordDcm, readHead } from './inspect-graph.js';
import { describeFidelity } from './compress-calibrated.js';
import { columnChoice } from '../data/csv.js';
import { count } from '../format/count.js';
import { quietTfjs } from '../quiet-tfjs.js';

/** Options of {@link runAgainstReference}. */
export interface ReferenceRunOptions {
  /** The original model.json the file was compressed from. */
  readonly reference: string;
  /** A folder of photographs, a `.npy` of inputs `[n, ...input shape]` or a CSV table (required). */
  readonly data?: string;
  /** A CSV table's label column or target columns, left out of its inputs. */
  readonly labelColumn?: string;
  readonly targetColumns?: readonly string[];
  /** With `labelColumn`: the class names its cells hold, in the model's order (`--classes`). */
  readonly classes?: readonly string[];
  readonly maxOutputDrift?: number;
  readonly outputKinds?: readonly OutputKind[];
  /** A GraphModel reference's free input dimensions (`--input-shape`): the size photographs are resized to (default 256 × 256). */
  readonly inputShape?: readonly number[];
  /** Only the first this many samples of `data` (`--limit`); default all. */
  readonly limit?: number;
  /** Judge also what the original itself changes under one grey level of jitter (`--judge-unstable`; see `dc compress`). */
  readonly judgeUnstable?: boolean;
  /**
   * Photographs (and a `.npy`'s raw values) as `x = byte × inputScale + inputOffset`, as they were
   * given to `dc compress`. Default: what the file records (`dc compress` records these flags, and
   * byte / 255 for IDX training data), else byte / 255 (a `.npy` as given).
   */
  readonly inputScale?: ScaleFlag;
  readonly inputOffset?: ScaleFlag;
}

/** What `dc run --reference --json` prints. */
export interface ReferenceRunResult {
  readonly file: string;
  readonly reference: string;
  readonly format: Target['format'];
  readonly samples: number;
  /** How raw inputs became model inputs (`byte × scale + offset`) and where that came from; null: byte / 255 for photographs, a `.npy` as given. */
  readonly pixels: InputScaling | null;
  readonly fidelity: FidelityReport;
  readonly milliseconds: number;
}

/** Runs the file and its reference on the same inputs and compares every output. */
export async function runAgainstReference(file: string, o: ReferenceRunOptions): Promise<ReferenceRunResult> {
  const t0 = performance.now();
  if (o.data === undefined) throw new DcError('INVALID_OPTION', '--reference needs --data <images dir | .npy>', { option: 'data', hint: 'Pass the inputs to compare on: a folder of photographs or a .npy array [N, ...input shape].' });
  await quietTfjs(); // before the backend's selection creates tensors
  const { tf: tfjs } = await selectTrainingBackend({ replaceSlowWasmKernels: true });
  // A LayersModel file read once for what it records: its input shape, its input scaling.
  let layersFile: ReturnType<typeof loadCompressedModel> | undefined;
  const loadedFile = () => (layersFile ??= loadCompressedModel(file));
  // A reference whose input leaves dimensions unknown runs at the file's input shape.
  // A file that keeps its model.json as given is compared with the reference kept so too.
  const keepTopology = isLayersRecordDcm(await readHead(file));
  const target = await loadTarget(tfjs, o.reference, async () => (await loadedFile()).compressed.inputShape, { keepTopology });
  try {
    // The file's input scaling unless flags give one (the file's format is its reference's: a mismatch fails when the file runs).
    const recorded = async () => (target.format === 'layers-model' ? (await loadedFile()).compressed.preprocessing : readGraphModelHeader(new Uint8Array(await readFile(file))).preprocessing);
    const pixels = inputScaling(o, o.inputScale === undefined && o.inputOffset === undefined ? await recorded() : undefined);
    const columns = columnChoice(o);
    // A GraphModel's (or a kept LayersModel's) free height and width: --input-shape's (a layer graph's file has its own shape).
    const inputs = target.format === 'layers-model' ? target.inputs : target.inputs.map((i) => withFreeDimensions(i, o.inputShape));
    const data = await readInputFeeds(tfjs, inputSources(o.data), inputs, { ...(o.judgeUnstable ? {} : { jitterSeed: 1 }), ...(pixels ? { pixels } : {}), ...(o.limit === undefined ? {} : { limit: o.limit }), columns });
    try {
      const reference = await target.outputs(data.batches);
      const kinds = outputKindsOf(reference, o.outputKinds, '--output-kinds');
      const budget = budgetFor(o.maxOutputDrift ?? DEFAULT_MAX_OUTPUT_DRIFT);
      // Kinds are read from the plain outputs first; the jittered ones then mark what is not judged.
      const fidelity = compareOutputs(await judgedReference(target, data, reference, kinds, budget), await target.fileOutputs(file, data.batches), kinds, budget);
      return { file, reference: o.reference, format: target.format, samples: data.samples, pixels: pixels ?? null, fidelity, milliseconds: performance.now() - t0 };
    } finally {
      tfjs.dispose(feedTensors(data));
    }
  } finally {
    target.dispose();
  }
}

/** The human-readable line of {@link runAgainstReference}. */
export function formatReferenceRun(r: ReferenceRunResult): string {
  const inputs = r.pixels ? `, inputs ${formatPixelScale(r.pixels)} (${r.pixels.source === 'file' ? "the file's record" : 'flags'})` : '';
  return `${r.file} against ${r.reference} (${r.format}) on ${count(r.samples, 'sample')}${inputs}: ${describeFidelity(r.fidelity)} (${Math.round(r.milliseconds)} ms)`;
}
