/**
 * Keras' `GlobalAveragePooling1D(data_format="channels_first")` (and `GlobalMaxPooling1D`'s): on a
 * sequence `[steps, features]` it pools each step's features, giving `[steps]` — as the head of
 * Keras' time-series transformer tutorial does. tfjs's 1-D poolings have no data format and would
 * pool the steps instead (`[features]`), so that the layers after them cannot load. Such a pooling
 * loads as dc's tfjs layer of Keras' computation ({@link registerChannelsFirstPooling}); in the IR it
 * is a `permute` to `[features, steps]` (`<layer>_permute`) and then the channels-last pooling
 * (one-d-layers.ts), which `dc export` writes as tfjs's `Permute` and pooling.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Layer } from '../ir/model.js';
import { mapLayerEntries } from './map-layer-entries.js';
import { oneDNodes } from './one-d-layers.js';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** The class name dc's tfjs layer registers under (a model.json names it Keras' pooling with `data_format: "channels_first"`). */
export const CHANNELS_FIRST_POOLING_CLASS = 'DcChannelsFirstGlobalPooling1D';

/** The 1-D global poolings, and the pooling each computes. */
const POOLING_OF = new Map<string, 'avg' | 'max'>([
  ['GlobalAveragePooling1D', 'avg'],
  ['GlobalMaxPooling1D', 'max'],
]);

/** Registers the layer with `tfjs` (once per tfjs instance), so that a model.json naming it loads. */
export const registerChannelsFirstPooling = perTfjs((tfjs): void => {
  class ChannelsFirstPooling extends tfjs.layers.Layer {
    static className = CHANNELS_FIRST_POOLING_CLASS;
    private readonly pooling: 'avg' | 'max';
    constructor(args: { name?: string; pooling?: string }) {
      super(args);
      this.pooling = args.pooling === 'max' ? 'max' : 'avg';
    }
    override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
      const [batch, steps] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
      return [batch, steps];
    }
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return this.pooling === 'max' ? tfjs.max(x, -1) : tfjs.mean(x, -1);
    }
    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), pooling: this.pooling };
    }
  }
  registerClasses(tfjs, ChannelsFirstPooling);
});

/** `topology` (a model.json's `modelTopology`) with each 1-D global pooling over channels first named as dc's layer that computes it; `topology` itself where none is. */
export function withChannelsFirstPooling(topology: unknown): unknown {
  return mapLayerEntries(topology, (entry) => {
    const pooling = POOLING_OF.get(entry.class_name);
    if (!pooling || entry.config.data_format !== 'channels_first') return undefined;
    const { data_format: _format, ...config } = entry.config;
    return { ...entry, class_name: CHANNELS_FIRST_POOLING_CLASS, config: { ...config, pooling } };
  });
}

/** The IR nodes of such a pooling named `name` (its tfjs `config`) on a sequence `[steps, features]`: the permute, then the pooling over what were the features. */
export function channelsFirstPoolingNodes(name: string, inputs: readonly string[], config: Record<string, unknown>, input: readonly number[]): Layer[] {
  const [steps, features] = input;
  const permute = `${name}_permute`;
  const pool: Layer['config'] = { kind: config.pooling === 'max' ? 'globalMaxPool2d' : 'globalAvgPool2d' };
  return [{ name: permute, config: { kind: 'permute', dims: [2, 1] }, inputs: [...inputs], params: {} }, ...oneDNodes(name, [permute], pool, {}, [features, steps], steps, 0)];
}
