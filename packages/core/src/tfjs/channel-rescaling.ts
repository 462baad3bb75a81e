/**
 * Keras' `Rescaling` with a scale or an offset per channel — EfficientNet's stem divides each
 * colour by the square root of its ImageNet deviation with one — which tfjs computes (it broadcasts
 * the lists along the last axis) while the IR's `rescale` holds one number each. Such a layer
 * becomes a `batchNorm` node of fixed statistics (mean 0, variance 1, epsilon 0) whose gamma are
 * the scales and beta the offsets: `(x − 0) / √1 · scale + offset` is exactly `x · scale + offset`,
 * and like Keras' layer, which has no weights, it is not retrained.
 */
import { DcError } from '../errors/dc-error.js';
import type { BatchNormConfig, Layer, RescaleConfig } from '../ir/model.js';
import { MAX_RESCALE } from '../ops/rescale.js';
import { perChannelValues } from './channel-values.js';

/** The batchNorm config of a per-channel rescaling: statistics fixed, gamma and beta applied. */
const CHANNEL_RESCALING: BatchNormConfig = { kind: 'batchNorm', epsilon: 0, center: true, scale: true, fixed: true };

function refuse(name: string, why: string): never {
  throw new DcError('UNSUPPORTED_LAYER', `layer "${name}" (Rescaling): ${why}`, {
    tensor: name,
    hint: 'Give scale and offset as one number each or one per channel of the last axis, each finite and within ±1e6.',
  });
}

/** A scale or offset as the numbers it lists (one number: a list of one); `UNSUPPORTED_LAYER` for anything else. */
function numbersOf(name: string, what: string, v: unknown): number[] {
  const values = Array.isArray(v) ? (v as unknown[]).flat(8) : [v];
  if (values.length === 0 || values.some((x) => typeof x !== 'number' || !(Math.abs(x) <= MAX_RESCALE))) refuse(name, `${what} ${JSON.stringify(v)}: numbers within ±${MAX_RESCALE} are supported`);
  return values as number[];
}

/**
 * The node config of a `Rescaling` layer named `name` (its tfjs config `c`): a `rescale` where
 * scale and offset are one number each, else the `batchNorm` of {@link channelRescalingNode}.
 */
export function rescalingConfig(name: string, c: Record<string, unknown>): RescaleConfig | BatchNormConfig {
  const [scale, offset] = [numbersOf(name, 'scale', c.scale ?? 1), numbersOf(name, 'offset', c.offset ?? 0)];
  if (!Array.isArray(c.scale) && !Array.isArray(c.offset)) return { kind: 'rescale', scale: scale[0], offset: offset[0] };
  return CHANNEL_RESCALING;
}

/**
 * The `batchNorm` node of a per-channel `Rescaling` layer named `name` (its tfjs config `c`, its
 * input's shape without the batch axis): `UNSUPPORTED_LAYER` where a list has neither one value nor
 * one per channel of the last axis.
 */
export function channelRescalingNode(name: string, inputs: readonly string[], c: Record<string, unknown>, input: readonly number[]): Layer {
  const channels = input.at(-1) ?? 1;
  const perChannel = (what: string, v: unknown) => {
    const values = numbersOf(name, what, v);
    return { shape: [channels], values: perChannelValues(values, channels) ?? refuse(name, `${what} has ${values.length} values for ${channels} channels of the last axis`) };
  };
  return {
    name,
    config: CHANNEL_RESCALING,
    inputs: [...inputs],
    params: {
      gamma: perChannel('scale', c.scale ?? 1),
      beta: perChannel('offset', c.offset ?? 0),
      movingMean: { shape: [channels], values: new Float32Array(channels) },
      movingVariance: { shape: [channels], values: new Float32Array(channels).fill(1) },
    },
  };
}

/** Whether `layer` is the node of a per-channel `Rescaling` ({@link channelRescalingNode}): fixed statistics of mean 0 and variance 1, epsilon 0. */
export function isChannelRescaling(layer: Layer): boolean {
  const c = layer.config;
  const { movingMean, movingVariance } = layer.params;
  return c.kind === 'batchNorm' && c.fixed === true && c.epsilon === 0 && c.center && c.scale && !!movingMean && !!movingVariance && movingMean.values.every((v) => v === 0) && movingVariance.values.every((v) => v === 1);
}
