/**
 * Keras' `GlobalAveragePooling2D` / `GlobalMaxPooling2D` with `keepdims=True` (Keras 2.6 on, and
 * Keras 3: the squeeze-and-excitation block's pooling straight into 1×1 convolutions), an option
 * tfjs reads past: it would pool to `[channels]`, and the convolution after it would not build. Such
 * a pooling loads as dc's tfjs layer of that computation ({@link registerKeptPooling}; output
 * `[1, 1, channels]`), and in the IR it is the pooling (`<layer>_pool`) then a `reshape` to
 * `[1, 1, channels]` named as the layer, which tfjs builds again as a pooling and a `Reshape`.
 */
import type * as tf from '@tensorflow/tfjs';
import type { GlobalPool2dConfig, Layer } from '../ir/model.js';
import { mapLayerEntries } from './map-layer-entries.js';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** The class name the tfjs layer registers under (a model.json names it Keras' pooling with `keepdims: true`). */
export const KEPT_POOLING_CLASS = 'DcKeptGlobalPooling2D';

/** The poolings that may keep their axes, and the pooling each computes. */
const POOLING_OF = new Map<string, 'avg' | 'max'>([
  ['GlobalAveragePooling2D', 'avg'],
  ['GlobalMaxPooling2D', 'max'],
]);

interface KeptPoolingArgs {
  readonly name?: string;
  readonly pooling: 'avg' | 'max';
}

/** Registers the layer with `tfjs` (once per tfjs instance), so that a model.json naming it loads. */
export const registerKeptPooling = perTfjs((tfjs): void => {
  class KeptPooling extends tfjs.layers.Layer {
    static className = KEPT_POOLING_CLASS;
    private readonly pooling: 'avg' | 'max';
    constructor(args: KeptPoolingArgs) {
      super(args);
      this.pooling = args.pooling === 'max' ? 'max' : 'avg';
    }
    override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
      const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
      return [s[0], 1, 1, s[3]];
    }
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return this.pooling === 'max' ? tfjs.max(x, [1, 2], true) : tfjs.mean(x, [1, 2], true);
    }
    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), pooling: this.pooling };
    }
  }
  registerClasses(tfjs, KeptPooling);
});

/** `topology` (a model.json's `modelTopology`) with each 2-D global pooling that keeps its axes named as the layer that computes it; `topology` itself where none does. */
export function withKeptPoolingAxes(topology: unknown): unknown {
  return mapLayerEntries(topology, (entry) => {
    const pooling = POOLING_OF.get(entry.class_name);
    return pooling && entry.config.keepdims === true ? { ...entry, class_name: KEPT_POOLING_CLASS, config: { ...entry.config, pooling } } : undefined;
  });
}

/** The IR pooling of such a layer's config (its `pooling`), before the reshape. */
export function keptPoolingConfig(config: Record<string, unknown>): GlobalPool2dConfig {
  return { kind: config.pooling === 'max' ? 'globalMaxPool2d' : 'globalAvgPool2d' };
}

/** The IR nodes of such a pooling: the pooling (`<name>_pool`), then the reshape to `[1, 1, channels]` named `name`. */
export function keptPoolingNodes(name: string, inputs: readonly string[], config: Record<string, unknown>, input: readonly number[]): Layer[] {
  const pool = `${name}_pool`;
  return [
    { name: pool, config: keptPoolingConfig(config), inputs: [...inputs], params: {} },
    { name, config: { kind: 'reshape', targetShape: [1, 1, input[input.length - 1]] }, inputs: [pool], params: {} },
  ];
}
