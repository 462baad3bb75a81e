/**
 * What `loadModel` rewrites in a model.json's artifacts before tfjs reads them, in order, so that
 * tfjs builds what Keras computes: each rewrite names a Keras layer tfjs cannot build (or builds
 * wrongly) as dc's layer that computes it, or renames what tfjs would misread; anything else is
 * left as it is.
 */
import type * as tf from '@tensorflow/tfjs';
import { withPositionalAttentionInputs } from './attention-calls.js';
import { withDcCenterCrop } from './center-crop.js';
import { withDcResizing } from './resizing.js';
import { withChannelsFirstPooling } from './channels-first-pooling.js';
import { withDepthwiseGroups } from './depthwise-groups.js';
import { fromKeras3, isKeras3Topology } from './keras3-model-json.js';
import { withKeptPoolingAxes } from './kept-pooling-axes.js';
import { withKerasUpSampling } from './keras-up-sampling.js';

type Topology = tf.io.ModelArtifacts['modelTopology'];

/**
 * Whether a Keras that resizes at half-pixel centres wrote `topology` (a model.json's
 * `modelTopology`): a `keras_version` of 2.4 or later (TensorFlow 2.4 on: its `UpSampling2D`
 * resizes with `tf.image.resize`), or Keras 3's marks. Older Keras (standalone 2.2 and 2.3, and
 * the tf.keras of TensorFlow 1) is left as tfjs reads it, as is a file tfjs-layers wrote.
 */
export function writtenByKeras(topology: unknown): boolean {
  const version = (topology as { keras_version?: unknown } | null)?.keras_version;
  if (typeof version !== 'string') return isKeras3Topology(topology);
  const [major, minor] = /^(\d+)\.(\d+)/.exec(version)?.slice(1).map(Number) ?? [0, 0];
  return major > 2 || (major === 2 && minor >= 4);
}

/** `artifacts` (`where` names them in errors) as tfjs can read them (see the module). */
export function tfjsReadable(artifacts: tf.io.ModelArtifacts, where: string): tf.io.ModelArtifacts {
  const byKeras = writtenByKeras(artifacts.modelTopology);
  // A Keras 3 model's file, which tfjs cannot read, as the Keras 2 dialect it reads.
  let out = fromKeras3(artifacts, where);
  // A convolution whose groups are its input channels as the depthwise convolution it is (ConvNeXt's blocks).
  out = withDepthwiseGroups(out);
  const topology = (rewrite: (t: unknown) => unknown) => (out = { ...out, modelTopology: rewrite(out.modelTopology) as Topology });
  // Global poolings that keep their axes (keepdims, which tfjs reads past), as dc's layer that keeps them.
  topology(withKeptPoolingAxes);
  // 1-D global poolings over channels first (Keras' time-series transformer head), which tfjs would pool over the steps.
  topology(withChannelsFirstPooling);
  // Keras' CenterCrop as dc's layer that computes it (tfjs 4.22's rewrites the input's shape and shifts odd margins).
  topology(withDcCenterCrop);
  // Keras' Resizing likewise (tfjs 4.22's aligns the corners where Keras samples half-pixel centres, and crops nothing).
  topology(withDcResizing);
  // Keras' bilinear UpSampling2D, which tfjs samples half an input pixel off, as dc's layer computing Keras' (a file tfjs wrote keeps tfjs's).
  topology((t) => withKerasUpSampling(t, byKeras));
  // Keras 2's MultiHeadAttention calls (value and key as keyword arguments) with every tensor an input.
  topology((t) => withPositionalAttentionInputs(t, where));
  return out;
}
