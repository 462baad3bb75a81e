/** Loading a GraphModel's model.json and weight shards from the file system (Node). */
import { readModelArtifacts } from '@dc/core/tfjs';
import { graphModelSource, type GraphModelSource, type GraphModelSourceOptions } from './source.js';

/**
 * Reads a GraphModel (`format: "graph-model"`, as `tensorflowjs_converter` writes it) from a
 * `model.json` path or `file://` URL with `@dc/core`'s file handler, and decodes its weights
 * (see {@link graphModelSource}). Before anything is decoded: a missing or short weight shard is
 * `MODEL_WEIGHTS_MISSING`, a LayersModel `WRONG_MODEL_FORMAT`, an op tfjs cannot execute
 * `UNSUPPORTED_OP` (naming the node), an unreadable file `BAD_MODEL_JSON`; each with a hint.
 */
export async function loadGraphModelArtifacts(pathOrUrl: string, options: GraphModelSourceOptions = {}): Promise<GraphModelSource> {
  const { artifacts } = await readModelArtifacts(pathOrUrl, 'graph-model');
  return graphModelSource(artifacts, pathOrUrl, options);
}
