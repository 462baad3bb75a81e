/**
 * tfjs 4.22's `DepthwiseConv2D` layer ignores `dilationRate` (its `call` passes none), and tfjs has
 * no gradient for a dilated depthwise convolution. The IR's dilated `depthwiseConv2d` node — the
 * depthwise half of a `SeparableConv2D` with `dilationRate`, which tfjs does dilate — is therefore
 * built as this subclass: the undilated convolution of the input rearranged by `spaceToBatchND` (one
 * batch entry per phase of the dilation) and put back by `batchToSpaceND`, as TensorFlow runs
 * dilated convolutions; tfjs differentiates both, so it retrains. Its weights and config are the
 * layer's own, and it serialises as `DepthwiseConv2D`.
 */
import type * as tf from '@tensorflow/tfjs';
import { perTfjs } from './per-tfjs.js';

/** The fields of tfjs's `DepthwiseConv2D` the subclass reads. */
interface DepthwiseFields {
  readonly kernelSize: number[];
  readonly padding: 'same' | 'valid';
  readonly dilationRate: number[];
  readonly depthwiseKernel: { read(): tf.Tensor4D };
  readonly bias: { read(): tf.Tensor1D } | null;
  readonly activation: { apply(x: tf.Tensor): tf.Tensor } | null;
}

/** Options of {@link makeDilatedDepthwiseLayer}: those of `tf.layers.depthwiseConv2d`, `dilationRate` above 1 on some axis, strides 1. */
export type DilatedDepthwiseArgs = Parameters<typeof tf.layers.depthwiseConv2d>[0] & { readonly dilationRate: [number, number] };

/** Padding before and after one spatial axis of `size` for a window of `span` pixels (`same`: TensorFlow's split, the odd pixel after). */
function pads(padding: 'same' | 'valid', span: number): [number, number] {
  if (padding === 'valid') return [0, 0];
  const before = Math.floor((span - 1) / 2);
  return [before, span - 1 - before];
}

const dilatedClass = perTfjs((tfjs): new (args: DilatedDepthwiseArgs) => tf.layers.Layer => {
  const Base = Object.getPrototypeOf(tfjs.layers.depthwiseConv2d({ kernelSize: 1 })).constructor as new (args: DilatedDepthwiseArgs) => tf.layers.Layer;
  class DilatedDepthwiseConv2D extends Base {
    override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
      const f = this as unknown as DepthwiseFields;
      const out = (size: number | null, axis: number) => (size === null || f.padding === 'same' ? size : size - (f.kernelSize[axis] - 1) * f.dilationRate[axis]);
      const base = super.computeOutputShape(inputShape) as (number | null)[];
      return [shape[0], out(shape[1], 0), out(shape[2], 1), base[3]];
    }
    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      return tfjs.tidy(() => {
        const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
        const f = this as unknown as DepthwiseFields;
        const d = f.dilationRate;
        const paddings: [number, number][] = [];
        const crops: [number, number][] = [];
        [x.shape[1], x.shape[2]].forEach((size, axis) => {
          const [before, after] = pads(f.padding, (f.kernelSize[axis] - 1) * d[axis] + 1);
          // Padded up to a multiple of the dilation; the extra rows come back off the end.
          const extra = (d[axis] - ((size + before + after) % d[axis])) % d[axis];
          paddings.push([before, after + extra]);
          crops.push([0, extra]);
        });
        const phases = tfjs.spaceToBatchND(x, d, paddings);
        const convolved = tfjs.depthwiseConv2d(phases, f.depthwiseKernel.read(), 1, 'valid');
        let y: tf.Tensor = tfjs.batchToSpaceND(convolved, d, crops);
        if (f.bias) y = tfjs.add(y, f.bias.read());
        return f.activation ? f.activation.apply(y) : y;
      });
    }
  }
  return DilatedDepthwiseConv2D;
});

/** A `DepthwiseConv2D` layer that computes (and retrains) the dilation `args.dilationRate` asks for. */
export function makeDilatedDepthwiseLayer(tfjs: typeof tf, args: DilatedDepthwiseArgs): tf.layers.Layer {
  const Dilated = dilatedClass(tfjs);
  return new Dilated(args);
}
