/**
 * Training never needs the gradient of the model's input, but tfjs computes it for a first layer
 * whose activation is linear: tfjs-layers runs `Conv2D` and `Dense` through `tf.fused.conv2d` /
 * `tf.fused.matMul`, which stay fused while recording gradients when the activation is linear,
 * and a fused op returns every input's gradient eagerly from one `customGrad`. Unfused ops are
 * differentiated input by input, and only for inputs that lead to a variable. For LeNet-5 the
 * unneeded `Conv2DBackpropInput` of conv1 was ~9% of a training step.
 */
import type * as tf from '@tensorflow/tfjs';

type Call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/** The fields of tfjs-layers' `Conv2D` and `Dense` that their unfused forms need. */
interface KernelLayer {
  call: Call;
  activation?: { getClassName(): string };
  kernel?: { read(): tf.Tensor };
  bias?: { read(): tf.Tensor } | null;
  strides?: number[];
  padding?: string;
  dataFormat?: string;
  dilationRate?: number | number[];
}

/**
 * Makes the linear `Conv2D` (channels last) and `Dense` layers of `lm` whose inputs depend on no
 * variable compute `x ⊛ kernel + bias` with unfused ops, so that training skips their input
 * gradient. Same outputs and weight gradients. For a model the trainer built and owns.
 */
export function skipInputGradients(tfjs: typeof tf, lm: tf.LayersModel): void {
  // Layers whose outputs depend on no variable: inputs, and weightless layers fed only by those.
  // (A Sequential model's `layers` leaves its InputLayer out.)
  const constant = new Set<tf.layers.Layer>();
  const isConstant = (l: tf.layers.Layer) => l.getClassName() === 'InputLayer' || constant.has(l);
  for (const layer of lm.layers) {
    const fedByConstants = layer.inboundNodes.flatMap((node) => node.inboundLayers).every(isConstant);
    if (isConstant(layer) || (fedByConstants && layer.weights.length === 0)) {
      constant.add(layer);
      continue;
    }
    const l = layer as unknown as KernelLayer;
    if (!fedByConstants || l.activation?.getClassName() !== 'linear' || !l.kernel) continue;
    const unfused = unfusedForm(tfjs, layer.getClassName(), l);
    if (!unfused) continue;
    const call = l.call.bind(layer);
    l.call = (inputs, kwargs) => {
      const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
      return (x && unfused(x)) ?? call(inputs, kwargs);
    };
  }
}

/** The layer's product plus bias with unfused ops, or undefined where it does not apply. */
function unfusedForm(tfjs: typeof tf, className: string, l: KernelLayer): ((x: tf.Tensor) => tf.Tensor | undefined) | undefined {
  const kernel = l.kernel!;
  const withBias = (y: tf.Tensor) => (l.bias ? tfjs.add(y, l.bias.read()) : y);
  if (className === 'Dense') {
    return (x) => (x.rank === 2 ? tfjs.tidy(() => withBias(tfjs.matMul(x, kernel.read()))) : undefined);
  }
  if (className === 'Conv2D' && l.dataFormat === 'channelsLast' && (l.padding === 'same' || l.padding === 'valid')) {
    const strides = l.strides as [number, number];
    const dilations = (typeof l.dilationRate === 'number' ? [l.dilationRate, l.dilationRate] : l.dilationRate) as [number, number];
    const pad = l.padding;
    return (x) => (x.rank === 4 ? tfjs.tidy(() => withBias(tfjs.conv2d(x as tf.Tensor4D, kernel.read() as tf.Tensor4D, strides, pad, 'NHWC', dilations))) : undefined);
  }
  return undefined;
}
