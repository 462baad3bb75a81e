/**
 * The allocation for one trade-off price `lambda` (validation error per byte): every layer picks
 * the sparsity and bits minimising its predicted error increase + `lambda` × its predicted bytes
 * (the Lagrangian of "least error for this size", solved layer by layer because the model adds
 * per-layer error increases and bytes).
 */
import { interpolate, type Curve } from './curves.js';
import { layerBytes } from './size-model.js';

/** What the planner knows about one layer. */
export interface LayerCurves {
  readonly layer: string;
  /** Kernel weights. */
  readonly params: number;
  /** Error increase vs sparsity (levels ascending). */
  readonly sparsity: Curve;
  /** Error increase vs bits (levels descending). */
  readonly bits: Curve;
}

/** One layer's choice and its predictions. */
export interface LayerChoice {
  readonly layer: string;
  readonly params: number;
  readonly sparsity: number;
  readonly bits: number;
  readonly kept: number;
  /** Analytic bytes of the kernel (see `layerBytes`). */
  readonly predictedBytes: number;
  /** Predicted validation error increase from pruning alone and from the codes alone (fractions). */
  readonly sparsityIncrease: number;
  readonly bitsIncrease: number;
}

/** The sparsities a layer may take: 0 to `maxSparsity` in steps of `step`. */
export function sparsityGrid(maxSparsity: number, step: number): number[] {
  const out: number[] = [];
  for (let i = 0; i * step <= maxSparsity + 1e-12; i++) out.push(Math.round(i * step * 1e6) / 1e6);
  return out;
}

/**
 * Each layer's best choice at price `lambda`, its bytes priced with a codebook of `centroidBytes`
 * per entry (4: float32; 2 where the writer stores codebooks as float16).
 */
export function chooseAt(lambda: number, layers: readonly LayerCurves[], grid: readonly number[], centroidBytes = 4): LayerChoice[] {
  return layers.map((l) => {
    let best: LayerChoice | undefined;
    let bestCost = Infinity;
    for (const [bi, bits] of l.bits.levels.entries()) {
      const bitsIncrease = l.bits.increase[bi];
      for (const sparsity of grid) {
        const sparsityIncrease = interpolate(l.sparsity, sparsity);
        const predictedBytes = layerBytes(l.params, sparsity, bits, bits, 2 ** bits, centroidBytes);
        const cost = sparsityIncrease + bitsIncrease + lambda * predictedBytes;
        if (cost < bestCost) {
          bestCost = cost;
          best = { layer: l.layer, params: l.params, sparsity, bits, kept: Math.round((1 - sparsity) * l.params), predictedBytes, sparsityIncrease, bitsIncrease };
        }
      }
    }
    return best!;
  });
}

/** Sum of the predicted error increases of a choice. */
export function predictedIncrease(choice: readonly LayerChoice[]): number {
  return choice.reduce((a, c) => a + c.sparsityIncrease + c.bitsIncrease, 0);
}

/** The choice's analytic kernel bytes: the sum of its layers' predicted bytes. */
export function predictedBytes(choice: readonly LayerChoice[]): number {
  return choice.reduce((a, c) => a + c.predictedBytes, 0);
}

/**
 * `choice` with every layer's kept count scaled by `factor` (sparsity `1 − (1 − s) × factor`,
 * capped to [0, `maxSparsity`]) and the predictions recomputed (codebooks priced as in
 * {@link chooseAt}): a continuous knob for landing a size target between the steps of the price search.
 */
export function scaleKept(choice: readonly LayerChoice[], factor: number, layers: readonly LayerCurves[], maxSparsity: number, centroidBytes = 4): LayerChoice[] {
  return choice.map((c) => {
    const curves = layers.find((l) => l.layer === c.layer)!;
    const sparsity = Math.round(Math.min(maxSparsity, Math.max(0, 1 - (1 - c.sparsity) * factor)) * 1e5) / 1e5;
    return { ...c, sparsity, kept: Math.round((1 - sparsity) * c.params), predictedBytes: layerBytes(c.params, sparsity, c.bits, c.bits, 2 ** c.bits, centroidBytes), sparsityIncrease: interpolate(curves.sparsity, sparsity) };
  });
}

/** `c` with its predicted increases read from the one-shot `curves`. */
export function withOneShot(c: LayerChoice, curves: readonly LayerCurves[]): LayerChoice {
  const l = curves.find((x) => x.layer === c.layer)!;
  return { ...c, sparsityIncrease: interpolate(l.sparsity, c.sparsity), bitsIncrease: l.bits.increase[l.bits.levels.indexOf(c.bits)] };
}

/** Sums of the one-shot predicted increases of a choice, pruning and codes apart. */
export function oneShotIncreases(choice: readonly LayerChoice[], curves: readonly LayerCurves[]): { sparsity: number; bits: number } {
  const one = choice.map((c) => withOneShot(c, curves));
  return { sparsity: one.reduce((a, c) => a + c.sparsityIncrease, 0), bits: one.reduce((a, c) => a + c.bitsIncrease, 0) };
}

/** One field of a choice per layer (`{ layer: sparsity }` or `{ layer: bits }`), as the stages take it. */
export function choiceRecord(choice: readonly LayerChoice[], field: 'sparsity' | 'bits'): Record<string, number> {
  return Object.fromEntries(choice.map((c) => [c.layer, c[field]]));
}
