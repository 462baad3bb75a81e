/**
 * The way back to tfjs: a `.dcm` file as an ordinary tfjs LayersModel (dense reconstruction), for
 * code that already runs `tf.loadLayersModel(...)`.
 */
import type * as tf from '@tensorflow/tfjs';
import { toDenseModel, type CompressedModel } from '../compressed.js';
import { decodeContainer } from '../container/decode.js';
import type { StreamDecoder } from '../container/stream-codec.js';
import { toLayersModel } from './convert-to.js';
import { importTfjsPackage } from './load-tfjs.js';
import { registerFor } from './layer-registrations.js';

/** Options of {@link dcmHandler}. */
export interface DcmHandlerOptions {
  /** Stream decoders for entropy-coded files, e.g. `[huffmanDecoder]` from `@dc/huffman/decode`. */
  decoders?: readonly StreamDecoder[];
  /**
   * The tfjs namespace that will load the model. Default: `@tensorflow/tfjs`. What the handed-over
   * model.json needs of dc's layers and activations (a `Subtract`, `gelu_new` under the name tfjs
   * 4.22's loader looks it up by, `hard_silu`, ...: `registrationsFor`) is registered with it.
   */
  tf?: typeof tf;
}

/**
 * A `tf.io.IOHandler` whose `load()` decodes a `.dcm` file (bytes, or an already decoded
 * {@link CompressedModel}) and gives tfjs the dense model: `tf.loadLayersModel(dcmHandler(bytes,
 * { decoders: [huffmanDecoder] }))`. Layer names and weights are the file's (pruned weights exactly
 * zero, clustered weights their centroids). A file's `preprocessing` and `training` records travel
 * in the model's user-defined metadata as `{ dcm: { preprocessing, training } }`: tfjs does not
 * apply the one (callers do) and cannot compile from the other without an optimizer (`loadModel`
 * reads it back as the model's compile config). The batch norms of fixed statistics (Keras'
 * `Normalization`), which tfjs holds as ordinary ones, are named in `fixedStatistics`, so that
 * `loadModel` reads them back as fixed.
 * Decoding errors are the container's `DcError`s (`UNKNOWN_ENCODING` when a decoder is missing).
 */
export function dcmHandler(source: Uint8Array | ArrayBuffer | CompressedModel, options: DcmHandlerOptions = {}): tf.io.IOHandler {
  return {
    async load() {
      const compressed = source instanceof Uint8Array || source instanceof ArrayBuffer ? decodeContainer(source instanceof Uint8Array ? source : new Uint8Array(source), { decoders: options.decoders ?? [] }) : source;
      const model = toDenseModel(compressed);
      const tfjs = options.tf ?? (await importTfjsPackage('@tensorflow/tfjs'));
      const lm = toLayersModel(model, tfjs, { forSaving: true });
      try {
        const fixed = model.layers.filter((l) => l.config.kind === 'batchNorm' && l.config.fixed).map((l) => l.name);
        const records = { ...(model.preprocessing ? { preprocessing: model.preprocessing } : {}), ...(model.training ? { training: model.training } : {}), ...(fixed.length > 0 ? { fixedStatistics: fixed } : {}) };
        if (Object.keys(records).length > 0) lm.setUserDefinedMetadata({ dcm: records });
        let artifacts: tf.io.ModelArtifacts | undefined;
        await lm.save(
          tfjs.io.withSaveHandler(async (a) => {
            artifacts = a;
            return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
          }),
        );
        // What tfjs needs registered to load what this hands over (dc's layers and activations).
        registerFor(tfjs, artifacts!.modelTopology);
        return artifacts!;
      } finally {
        lm.dispose();
      }
    },
  };
}
