/** Activations: the names layers accept as an option, and the standalone `activation` node. */
import type { Activation, ActivationConfig } from '../ir/model.js';
import type { ConfigReader } from './config-reader.js';
import { defineOp, sampleAxis } from './op-spec.js';

/** Activations a layer accepts as its `activation` option (the tfjs names). */
export const LAYER_ACTIVATIONS: readonly Activation[] = [
  'linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'tanh', 'softplus', 'softsign', 'swish', 'mish', 'gelu', 'gelu_new', 'hard_silu', 'softmax',
];

/** Every activation an `activation` node accepts: the layer ones, `leakyRelu` and `thresholdedRelu` (op set 3). */
export const NODE_ACTIVATIONS: readonly Activation[] = [...LAYER_ACTIVATIONS, 'leakyRelu', 'thresholdedRelu'];

/** Activations of format v1 (op set 1). */
export const V1_ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'softmax', 'sigmoid', 'tanh'];

/** Reads a layer's `activation` option. */
export function readLayerActivation(r: ConfigReader): Activation {
  return r.oneOf('activation', LAYER_ACTIVATIONS);
}

/** The parameters of an activation with defaults applied: what every backend computes with. */
export interface ActivationParams {
  readonly activation: Activation;
  /** `leakyRelu` slope (default 0.3); `elu` uses 1 (tfjs implements no other). */
  readonly alpha: number;
  /** `relu` upper clip; `Infinity` when none. */
  readonly maxValue: number;
  /** `softmax` axis, counted with batch as 0, negative from the end (default -1). */
  readonly axis: number;
  /** `thresholdedRelu` threshold (default 1, as tfjs's). */
  readonly theta: number;
}

/** The activation of a layer option or an `activation` node, with every default applied. */
export function activationParams(c: Activation | ActivationConfig): ActivationParams {
  const node = typeof c === 'string' ? { kind: 'activation' as const, activation: c } : c;
  const alpha = node.alpha ?? (node.activation === 'leakyRelu' ? 0.3 : 1);
  return { activation: node.activation, alpha, maxValue: node.maxValue ?? Infinity, axis: node.axis ?? -1, theta: node.theta ?? 1 };
}

/** `activation`: the function applied element-wise (softmax: along `axis`). */
export const activationOp = defineOp<'activation'>({
  kind: 'activation',
  since: 1,
  arity: [1, 1],
  read(r) {
    const activation = r.oneOf('activation', NODE_ACTIVATIONS);
    const config: { -readonly [K in keyof ActivationConfig]: ActivationConfig[K] } = { kind: 'activation', activation };
    if (activation === 'leakyRelu' && r.has('alpha')) config.alpha = r.num('alpha', -1e6, 1e6);
    if (activation === 'relu' && r.has('maxValue')) config.maxValue = r.num('maxValue', 0, 3.4e38);
    if (activation === 'softmax' && r.has('axis')) config.axis = r.int('axis', -16, 16);
    if (activation === 'thresholdedRelu' && r.has('theta')) config.theta = r.num('theta', -3.4e38, 3.4e38);
    return config;
  },
  outputShape(c, [input], site) {
    if (c.activation === 'softmax') sampleAxis(c.axis ?? -1, input.length, site);
    return input;
  },
  params: () => ({}),
});
