/**
 * Keras 3's `hard_silu` (also called `hard_swish`: MobileNetV3's activation), `x · relu6(x + 3) / 6`,
 * which tfjs lacks. {@link registerHardSiluActivation} registers it as a tfjs activation named
 * `hard_silu` (and `hardSilu`, the name tfjs's model.json loader turns snake_case names into), so a
 * layer may name it like any tfjs activation, train through it and save it. A tfjs app that loads
 * a model.json using it (what `dc export` writes) calls it first. Registered only when asked, never
 * at import.
 */
import type * as tf from '@tensorflow/tfjs';
import { perTfjs, registerClasses } from './per-tfjs.js';

/** The activation's name in tfjs configs and in the IR (Keras 3's). */
export const HARD_SILU = 'hard_silu';

/** The names Keras 3 gives it. */
export const KERAS3_HARD_SILU_NAMES: ReadonlySet<string> = new Set([HARD_SILU, 'hard_swish']);

type ActivationClass = new () => { apply(x: tf.Tensor): tf.Tensor; getClassName(): string };

/** Registers `hard_silu` with `tfjs` (see the module's doc); registering twice does nothing. */
export const registerHardSiluActivation = perTfjs((tfjs): void => {
  // tfjs exports no Activation base class: its `linear` activation is one to extend.
  const linear = tfjs.serialization.SerializationMap.getMap().classNameMap.linear as unknown as [ActivationClass, unknown];
  class HardSilu extends linear[0] {
    static className = HARD_SILU;
    override apply(x: tf.Tensor): tf.Tensor {
      return tfjs.tidy(() => tfjs.mul(x, tfjs.div(tfjs.relu6(tfjs.add(x, 3)), 6)));
    }
    override getClassName(): string {
      return HARD_SILU;
    }
  }
  class HardSiluAsLoaded extends HardSilu {
    static override className = 'hardSilu';
  }
  registerClasses(tfjs, HardSilu, HardSiluAsLoaded);
});
