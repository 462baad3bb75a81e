/**
 * Keras' `GroupNormalization` — batch-independent normalisation of groups of channels, in U-Nets
 * (diffusion models) and CNNs trained on small batches — which tfjs lacks. A tfjs layer of that
 * class computes it as Keras does (each sample's values of a group of `C / groups` channels, at
 * every position, normalised by their mean and biased variance, then `gamma` and `beta` per
 * channel): registered for loading ({@link registerGroupNormalization}) and built for the IR's
 * `groupNorm` node by `toLayersModel`, so it retrains and exports.
 */
import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** The class name it serialises under: Keras'. */
export const GROUP_NORMALIZATION_CLASS = 'GroupNormalization';

interface GroupNormalizationArgs {
  readonly name?: string;
  readonly groups?: number;
  readonly axis?: number;
  readonly epsilon?: number;
  readonly center?: boolean;
  readonly scale?: boolean;
}

const groupNormalizationClass = perTfjs((tfjs): new (args: GroupNormalizationArgs) => tf.layers.Layer => {
  class GroupNormalization extends tfjs.layers.Layer {
    static className = GROUP_NORMALIZATION_CLASS;
    private readonly args: Required<Omit<GroupNormalizationArgs, 'name'>>;
    private gamma?: tf.LayerVariable;
    private beta?: tf.LayerVariable;
    constructor(args: GroupNormalizationArgs) {
      super(args);
      this.args = { groups: args.groups ?? 32, axis: args.axis ?? -1, epsilon: args.epsilon ?? 1e-3, center: args.center ?? true, scale: args.scale ?? true };
    }
    override build(inputShape: tf.Shape | tf.Shape[]): void {
      const channels = (inputShape as tf.Shape).at(-1)!;
      if (this.args.scale) this.gamma = this.addWeight('gamma', [channels], 'float32', tfjs.initializers.ones());
      if (this.args.center) this.beta = this.addWeight('beta', [channels], 'float32', tfjs.initializers.zeros());
      this.built = true;
    }
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tfjs.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const [batch, ...rest] = x.shape;
        const channels = rest[rest.length - 1];
        const { groups, epsilon } = this.args;
        // [batch, positions, groups, C / groups]: moments over the positions and a group's channels.
        const grouped = tfjs.reshape(x, [batch, -1, groups, channels / groups]);
        const { mean, variance } = tfjs.moments(grouped, [1, 3], true);
        let y = tfjs.reshape(tfjs.mul(tfjs.sub(grouped, mean), tfjs.rsqrt(tfjs.add(variance, epsilon))), x.shape);
        if (this.gamma) y = tfjs.mul(y, this.gamma.read());
        if (this.beta) y = tfjs.add(y, this.beta.read());
        return y;
      });
    }
    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), ...this.args };
    }
  }
  return GroupNormalization as unknown as new (args: GroupNormalizationArgs) => tf.layers.Layer;
});

/** Registers `GroupNormalization` with tfjs's serialisation, so `tf.loadLayersModel` can read models that use it. */
export function registerGroupNormalization(tfjs: typeof tf): void {
  registerClasses(tfjs, groupNormalizationClass(tfjs));
}

/** A `GroupNormalization` layer (Keras'; see the module). */
export function groupNormalization(tfjs: typeof tf, args: GroupNormalizationArgs): tf.layers.Layer {
  return new (groupNormalizationClass(tfjs))(args);
}

/** Refuses, `UNSUPPORTED_LAYER`, a `GroupNormalization` named `name` whose `groups` do not divide the channels of its `input` (its shape without the batch axis). */
export function checkGroupsDivideChannels(name: string, groups: number, input: readonly number[]): void {
  const channels = input[input.length - 1];
  if (channels % groups === 0) return;
  throw new DcError('UNSUPPORTED_LAYER', `layer "${name}" (${GROUP_NORMALIZATION_CLASS}): groups ${groups} do not divide its ${channels} channels`, { tensor: name, hint: 'Give it a number of groups that divides the channels (Keras refuses the layer otherwise).' });
}
