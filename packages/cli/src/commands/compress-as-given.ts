/**
 * `dc compress <LayersModel model.json> --no-retrain` with `--sparsity` / `--bits` for a model dc's
 * layer graph cannot hold (several outputs, shared layers, a layer without a node kind), or any
 * with `--keep-topology`: its model.json kept as given, its weights pruned and clustered per
 * tensor as a GraphModel's are, written as a `.dcm` file of format version 8.
 */
import { DcError } from '@dc/core';
import { importTfjsPackage } from '@dc/core/tfjs';
import { KEPT_AS_GIVEN_UNUSED, refuseFirst } from '../compress/inapplicable-flags.js';
import type { Progress } from '../compress/progress.js';
import { loadAsGiven } from '../no-retrain/layers-record-runner.js';
import { refusedByLayerGraph } from '../no-retrain/targets.js';
import { compressFile, type CompressOptions, type CompressResult } from './compress.js';
import { graphAllocationFromFlags, writeCompressedGraph, type CompressGraphOptions, type CompressGraphResult } from './compress-graph.js';

/** Options of {@link compressLayersFile}. */
export type CompressLayersOptions = CompressOptions & CompressGraphOptions & {
  /** With `--no-retrain`: the model.json kept as given even where the layer graph holds it (`--keep-topology`). */
  readonly keepTopology?: boolean;
};

/** Whether the user gave the flag of option key `key` (see {@link compressLayersFile}). */
export type GivenFlag = (key: string) => boolean;

/** By default a flag is given when its option is set: right for options without defaults (commander fills `preset` and `backend`). */
const setInOptions = (o: object): GivenFlag => (key) => (o as Record<string, unknown>)[key] !== undefined;

/**
 * Compresses the LayersModel at `path` kept as given (see the module comment), `because` the
 * reason logged. A flag it has no use for is `INVALID_OPTION` before any work; `given` says which
 * flags the user gave (default: those set in `o`).
 */
export async function compressLayersAsGiven(path: string, o: CompressGraphOptions, progress: Progress, because: string, given: GivenFlag = setInOptions(o)): Promise<CompressGraphResult> {
  refuseFirst([{ ...KEPT_AS_GIVEN_UNUSED, why: `${KEPT_AS_GIVEN_UNUSED.why} (${because})` }], given);
  // Only a model tfjs builds is written: the file loads where the model did.
  const { source, model } = await loadAsGiven(await importTfjsPackage('@tensorflow/tfjs'), path, because);
  model.dispose();
  const allocation = graphAllocationFromFlags(source, o);
  progress.log(`${path}: its model.json is kept as given (format version 8, tf.loadLayersModel), not converted to dc's layer graph: ${because}`);
  progress.log(`${path}: LayersModel, ${source.tensors.length} weights, ${Object.keys(allocation).length} compressed post-training`);
  return { ...(await writeCompressedGraph(path, source, allocation, o, progress)), keptBecause: because };
}

/**
 * `dc compress <LayersModel model.json>`: through dc's layer graph (`compressFile`), unless
 * `--no-retrain` and the layer graph cannot hold the model or `--keep-topology` is given: then kept
 * as given ({@link compressLayersAsGiven}). Retraining needs the layer graph: its refusal stands.
 * `given` says which flags the user gave, for those whose options have defaults (the CLI passes
 * commander's option sources: `--preset` or `--backend` given for a model kept as given is refused).
 */
export async function compressLayersFile(path: string, o: CompressLayersOptions, progress: Progress, given: GivenFlag = setInOptions(o)): Promise<CompressResult | CompressGraphResult> {
  if (o.keepTopology && o.retrain !== false) throw new DcError('INVALID_OPTION', '--keep-topology keeps the model.json as given for post-training compression: retraining needs dc\'s layer graph', { option: 'keep-topology', hint: 'Add --no-retrain, or drop --keep-topology.' });
  if (o.retrain !== false) return compressFile(path, o, progress);
  if (o.keepTopology) return compressLayersAsGiven(path, o, progress, '--keep-topology', given);
  try {
    return await compressFile(path, o, progress);
  } catch (e) {
    if (refusedByLayerGraph(e)) return compressLayersAsGiven(path, o, progress, e.message, given);
    throw e;
  }
}
