/**
 * tfjs's `TimeDistributed(layer)` applies `layer` to every step of a sequence (each slice along the
 * first axis after the batch). A layer that acts on the last axis alone — Dense, activations,
 * dropouts, normalizations over the last axis — computes the same on the whole sequence at once,
 * so the wrapper converts as its layer would on the wrapper's input, its nodes named as the
 * wrapper. A layer that mixes positions within a step (a convolution, a pool, Flatten) is refused
 * by name.
 */
import { DcError } from '../errors/dc-error.js';

/** The layer classes `TimeDistributed` may wrap: each acts on the last axis alone. */
export const STEPWISE_CLASSES = [
  'Dense', 'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax', 'Dropout', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout',
  'BatchNormalization', 'LayerNormalization',
] as const;

type Config = Record<string, unknown>;

/**
 * The wrapped layer's class and config, its axes counted from the end: the layer saw inputs of
 * `rank` axes with the batch (the steps folded into the batch), so a built layer's axis `a` is
 * `a − rank` on the wrapper's input as well.
 *
 * @param name - the wrapper's name, for errors.
 * @param config - the wrapper's `getConfig()` (its `layer` is `{ className, config }`).
 * @param rank - the wrapper's input rank without the batch axis.
 * @throws DcError `UNSUPPORTED_LAYER` naming the wrapper and its layer's class when that class is
 * not in {@link STEPWISE_CLASSES}.
 */
export function stepwiseLayer(name: string, config: Config, rank: number): { cls: string; config: Config } {
  const inner = config.layer as { className?: unknown; config?: Config } | undefined;
  const cls = String(inner?.className);
  if (!(STEPWISE_CLASSES as readonly string[]).includes(cls)) {
    throw new DcError('UNSUPPORTED_LAYER', `layer "${name}" (TimeDistributed): wrapping ${cls} is not supported, only layers that act on the last axis alone`, {
      tensor: name,
      hint: `TimeDistributed may wrap: ${STEPWISE_CLASSES.join(', ')}.`,
    });
  }
  const c = inner?.config ?? {};
  const fromEnd = (a: unknown) => (typeof a === 'number' && a >= 0 ? a - rank : a);
  return { cls, config: c.axis === undefined ? c : { ...c, axis: Array.isArray(c.axis) ? c.axis.map(fromEnd) : fromEnd(c.axis) } };
}
