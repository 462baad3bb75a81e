/**
 * The tfjs backend: the dense reconstruction of the model (`toDenseModel`) built as a tfjs
 * `LayersModel` by core's `toLayersModel` (the one IR → tfjs executor, shared with the trainer and
 * the conformance reference), running on whatever tfjs backend is active: CUDA through
 * `@tensorflow/tfjs-node-gpu` where it is installed, native CPU through `@tensorflow/tfjs-node`,
 * else wasm or cpu. It has no op code of its own; `TFJS_LAYERS` says which tfjs layer runs each
 * op kind, and `tfjs-compatible.ts` rewrites (exactly) the few configurations tfjs 4.22 gets wrong.
 */
import { DcError, toDenseModel, type LayerKind } from '@dc/core';
import { toLayersModel } from '@dc/core/tfjs';
import type * as tfTypes from '@tensorflow/tfjs';
import type { PreparedModel, RuntimeBackend } from '../backend.js';
import type { LoadedModel } from '../model/loaded-model.js';
import { assertRunnable } from '../model/refusals.js';
import { activateTfBackend, importTfjs, type Tf, type TfjsImportFailure } from './load-tfjs.js';
import { tfjsCompatible } from './tfjs-compatible.js';

/**
 * The tfjs layer classes (`getClassName()`) that `toLayersModel` builds for each op kind: the tfjs
 * backend's explicit map op → kernel (a test checks it against the models it builds).
 */
export const TFJS_LAYERS: Readonly<Record<LayerKind, readonly string[]>> = {
  dense: ['Dense'],
  conv2d: ['Conv2D'],
  conv2dTranspose: ['Conv2DTranspose'],
  depthwiseConv2d: ['DepthwiseConv2D'],
  batchNorm: ['BatchNormalization'],
  layerNorm: ['LayerNormalization'],
  // Keras' UnitNormalization and GroupNormalization are dc's own layers (core's unit-normalization.ts, group-normalization.ts).
  unitNorm: ['UnitNormalization'],
  groupNorm: ['GroupNormalization'],
  prelu: ['PReLU'],
  embedding: ['Embedding'],
  // Keras' reset-after GRU is dc's own layer (core's reset-after-gru.ts).
  recurrent: ['SimpleRNN', 'LSTM', 'GRU', 'Bidirectional', 'DcResetAfterGRU'],
  maxPool2d: ['MaxPooling2D'],
  avgPool2d: ['AveragePooling2D'],
  globalAvgPool2d: ['GlobalAveragePooling2D'],
  globalMaxPool2d: ['GlobalMaxPooling2D'],
  zeroPadding2d: ['ZeroPadding2D'],
  cropping2d: ['Cropping2D'],
  // A Flatten after an extent tfjs-layers lost (a reshape's -1) is built as a Reshape to the known size.
  flatten: ['Flatten', 'Reshape'],
  reshape: ['Reshape'],
  permute: ['Permute'],
  // A softmax along another axis than the last is built as permute, softmax, permute back (named as the node).
  activation: ['Activation', 'ReLU', 'LeakyReLU', 'ThresholdedReLU', 'Softmax', 'Permute'],
  rescale: ['Rescaling'],
  upSampling2d: ['UpSampling2D'],
  // Keras' Resizing is dc's own layer (core's resizing.ts): tfjs's resizes align the corners.
  resizing: ['DcResizing'],
  dropout: ['Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout'],
  masking: ['Masking'],
  add: ['Add'],
  subtract: ['Subtract'],
  multiply: ['Multiply'],
  average: ['Average'],
  maximum: ['Maximum'],
  minimum: ['Minimum'],
  concatenate: ['Concatenate'],
  dot: ['Dot'],
};

/** Options of {@link createTfjsBackend}. */
export interface TfjsBackendOptions {
  /**
   * The TensorFlow.js namespace to use. Defaults to the first of `@tensorflow/tfjs-node-gpu`,
   * `@tensorflow/tfjs-node` and `@tensorflow/tfjs` that loads.
   */
  readonly tf?: Tf;
  /** A tfjs backend to activate first (`'wasm'`, `'cpu'`, `'tensorflow'`, `'webgl'`, ...); defaults to the active one. */
  readonly tfBackend?: string;
}

/** The tfjs backend, with where its tfjs came from. */
export interface TfjsRuntimeBackend extends RuntimeBackend {
  /** The tfjs namespace in use. */
  readonly tf: Tf;
  /** The package tfjs was loaded from (`'(given)'` when passed in). */
  readonly tfPackage: string;
  /** Packages tried before it that failed to load (e.g. tfjs-node-gpu without CUDA). */
  readonly skipped: readonly TfjsImportFailure[];
}

/**
 * Creates the tfjs backend. Throws `BACKEND_UNAVAILABLE` with a hint when no tfjs package loads
 * or the requested tfjs backend cannot be activated.
 *
 * ```ts
 * const backend = await createTfjsBackend({ tfBackend: 'wasm' });
 * ```
 */
export async function createTfjsBackend(options: TfjsBackendOptions = {}): Promise<TfjsRuntimeBackend> {
  if ((options as { denseMode?: unknown }).denseMode !== undefined) {
    throw new DcError('INVALID_OPTION', 'option "denseMode" was removed: the tfjs backend always runs the dense reconstruction', {
      option: 'denseMode',
      hint: 'Drop the option. The sparse mode (gather + unsortedSegmentSum) was 120x slower on tfjs-cpu and missing on tfjs-wasm; use the cpu backend to compute from the compressed form.',
    });
  }
  const found = options.tf ? { tf: options.tf, from: '(given)', failures: [] } : await importTfjs();
  const { tf } = found;
  if (options.tfBackend) await activateTfBackend(tf, options.tfBackend);
  await tf.ready();
  const tfName = tf.getBackend();
  return {
    name: `tfjs-${tfName}`,
    tf,
    tfPackage: found.from,
    skipped: found.failures,
    async prepare(model: LoadedModel): Promise<PreparedModel> {
      assertRunnable(model.plan, 'tfjs');
      if (tf.getBackend() !== tfName) await tf.setBackend(tfName);
      const layers = toLayersModel(tfjsCompatible(toDenseModel(model.compressed)), tf);
      const output = layers.outputs[0].name;
      return {
        async run(input, batch) {
          if (tf.getBackend() !== tfName) await tf.setBackend(tfName);
          // execute, not predict: predict's batching and checks cost about 2× a LeNet-300-100 pass at batch 1.
          const y = tf.tidy(() => tf.reshape(layers.execute(tf.tensor(input, [batch, ...model.inputShape]), output) as tfTypes.Tensor, [batch * model.outputSize]));
          try {
            return new Float32Array((await y.data()) as Float32Array);
          } finally {
            y.dispose();
          }
        },
        dispose() {
          layers.dispose();
        },
      };
    },
  };
}
