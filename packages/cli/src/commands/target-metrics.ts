/**
 * A file's outputs measured against float targets (`--targets`): mean squared and absolute error
 * of every value and, when the head gives probabilities (a sigmoid) and every target lies in
 * [0, 1] (a multi-label classifier's), binary cross-entropy as tfjs computes it (probabilities
 * clipped to [1e-7, 1 − 1e-7]) and the share of values on the wrong side of 0.5. A linear head's
 * values may be logits or plain numbers: binary figures only when told they are logits (its
 * compiled loss says `fromLogits`, or `--from-logits`), then as tfjs's `sigmoidCrossEntropy`
 * computes them, the side taken at 0.
 */
import type { LoadedModel } from '@dc/sparse-runtime';

/** What a model's last node outputs, read off its activation. */
export type HeadOutputs = 'probabilities' | 'logits' | 'other';

/** The kind of values `model`'s output holds: a sigmoid's probabilities, a linear head's logits, or other values. */
export function headOutputs(model: LoadedModel): HeadOutputs {
  const activation = (model.compressed.layers.at(-1)?.config as { activation?: string } | undefined)?.activation;
  return activation === 'sigmoid' || activation === 'hardSigmoid' ? 'probabilities' : activation === 'linear' ? 'logits' : 'other';
}

/** The figures of {@link targetMetrics}; the binary ones null when the head or the targets are not binary. */
export interface TargetFigures {
  readonly meanSquaredError: number;
  readonly meanAbsoluteError: number;
  readonly binaryCrossentropy: number | null;
  /** Percent of values whose side of 0.5 is not their target's. */
  readonly binaryError: number | null;
  /** The model's compiled loss on these outputs, when the run was given it ({@link LossMeter}); else null. */
  readonly compiledLoss: number | null;
}

/** The losses {@link targetMetrics} computes itself, in float64: a run needs no {@link LossMeter} for them. */
export type RunFigure = 'meanSquaredError' | 'meanAbsoluteError' | 'binaryCrossentropy';

/** Whether `loss` is one of the {@link RunFigure}s. */
export function isRunFigure(loss: string): loss is RunFigure {
  return loss === 'meanSquaredError' || loss === 'meanAbsoluteError' || loss === 'binaryCrossentropy';
}

/** A running mean of a loss over batches of outputs and their targets (`compiledLossMeter` of `dc compress`). */
export interface LossMeter {
  /** Adds a batch: outputs `out` (whole samples), targets from `targets[from]` on. */
  add(out: Float32Array, targets: Float32Array, from: number): void;
  /** The mean loss per sample so far. */
  value(): number;
}

/** tfjs's clipping bounds, as float32 holds them (1 − 1e-7 rounds to 1 − 2^-23). */
const [LOW, HIGH] = [Math.fround(1e-7), Math.fround(1 - 1e-7)];

/** Running sums over batches of outputs and their targets; `fromLogits`: a linear head's values are logits. */
export function targetMetrics(head: HeadOutputs, fromLogits = false, compiledLoss?: LossMeter): { add(out: Float32Array, targets: Float32Array, from: number): void; figures(): TargetFigures } {
  let [n, squared, absolute, entropy, wrong] = [0, 0, 0, 0, 0];
  const logits = fromLogits && head === 'logits';
  let binary = head === 'probabilities' || logits;
  return {
    add(out, targets, from) {
      compiledLoss?.add(out, targets, from);
      for (let i = 0; i < out.length; i++, n++) {
        const [y, t] = [out[i], targets[from + i]];
        squared += (y - t) ** 2;
        absolute += Math.abs(y - t);
        if (!binary) continue;
        if (t < 0 || t > 1) {
          binary = false;
          continue;
        }
        if (logits) {
          // max(y, 0) − y·t + log(1 + e^−|y|): the logits' cross-entropy without overflow.
          entropy += Math.max(y, 0) - y * t + Math.log1p(Math.exp(-Math.abs(y)));
          if (y > 0 !== t > 0.5) wrong++;
          continue;
        }
        const p = Math.min(Math.max(y, LOW), HIGH);
        entropy -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
        if (y > 0.5 !== t > 0.5) wrong++;
      }
    },
    figures: () => ({
      meanSquaredError: squared / n,
      meanAbsoluteError: absolute / n,
      binaryCrossentropy: binary ? entropy / n : null,
      binaryError: binary ? (100 * wrong) / n : null,
      compiledLoss: compiledLoss ? compiledLoss.value() : null,
    }),
  };
}
