/** The allocation's decisions in words, for reports. */
import { interpolate } from './curves.js';
import type { LayerChoice, LayerCurves } from './choose.js';
import type { Goal, Metric } from './options.js';
import type { RecoveryReference, RecoveryRound } from './recovery.js';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** How a metric's costs and levels read. */
interface Words {
  /** What is measured: `validation error`, `validation loss`. */
  readonly what: string;
  /** A cost (an increase): `0.12 pp`, `3.10% of the loss`. */
  readonly cost: (x: number) => string;
  /** A model's level from its score: `1.68%` error, `0.01234` loss (score 0: the baseline's). */
  readonly level: (score: number) => string;
}

function wordsOf(metric: Metric, baselineLoss = 1): Words {
  if (metric === 'loss') return { what: 'validation loss', cost: (x) => `${(100 * x).toFixed(2)}% of the loss`, level: (s) => ((1 - s) * baselineLoss).toPrecision(4) };
  return { what: 'validation error', cost: (x) => `${(100 * x).toFixed(2)} pp`, level: (s) => pct(1 - s) };
}

/** One line for the goal and one per layer: what was chosen, its predicted cost and the next step's. */
export function describeAllocation(
  a: { goal: Goal; metric: Metric; baselineLoss?: number; lambda: number; layers: readonly LayerChoice[]; predictedErrorIncrease: number; candidateBytes?: number; originalBytes: number; recovery?: { reference: RecoveryReference; rounds: readonly RecoveryRound[]; chosen: number } },
  curves: readonly LayerCurves[],
): string[] {
  const w = wordsOf(a.metric, a.baselineLoss);
  const { cost } = w;
  const shares = a.metric === 'loss' ? `; costs are shares of the unchanged model's validation loss ${w.level(0)}` : '';
  const goal = a.goal.kind === 'targetBytes'
    ? `size target ${a.goal.value.toLocaleString('en')} B${a.goal.ratio ? ` (${a.goal.ratio}× of ${a.originalBytes.toLocaleString('en')} B)` : ''}: the candidate closest to it${shares}`
    : a.metric === 'loss'
      ? `loss budget ${pct(a.goal.value)} of predicted validation loss: the smallest file within it${shares}`
      : `accuracy budget ${cost(a.goal.value)} of predicted validation error: the smallest file within it`;
  const written = a.candidateBytes !== undefined ? `; the real writer gave ${a.candidateBytes.toLocaleString('en')} B (${(a.originalBytes / a.candidateBytes).toFixed(1)}×) for the one-shot candidate` : '';
  const factor = a.recovery?.rounds[a.recovery.chosen].pruningFactor ?? 1;
  const scaled = factor === 1 ? '' : `, pruning's scaled by ×${factor.toPrecision(2)}`;
  const lines = [
    `${goal}; layers balanced at ${a.lambda.toExponential(2)} ${a.metric === 'loss' ? 'share of validation loss' : 'validation error'} per byte (each layer's choice minimises its one-shot increase${scaled} + that price × its bytes)${written}; predicted one-shot increase ${cost(a.predictedErrorIncrease)} before retraining`,
  ];
  if (a.recovery) lines.push(...describeRecovery(a.recovery, a.goal, w));
  for (const c of a.layers) {
    const curve = curves.find((l) => l.layer === c.layer)!;
    const harsher = Math.min(0.999, c.sparsity + 0.01);
    lines.push(
      `${c.layer} (${c.params.toLocaleString('en')} weights): ${pct(c.sparsity)} pruned (${c.kept.toLocaleString('en')} kept), ${c.bits} bits, ~${Math.round(c.predictedBytes).toLocaleString('en')} B; ` +
        `one-shot ${w.what} +${cost(c.sparsityIncrease)} from pruning (+${cost(interpolate(curve.sparsity, harsher))} at ${pct(harsher)}), +${cost(c.bitsIncrease)} from ${c.bits}-bit codes`,
    );
  }
  return lines;
}

/** One line per recovery round (the one-shot plan first) and which was kept. */
function describeRecovery(r: { reference: RecoveryReference; rounds: readonly RecoveryRound[]; chosen: number }, goal: Goal, w: Words): string[] {
  const ref = r.reference;
  const { cost } = w;
  const signed = (x: number) => `${x < 0 ? '−' : '+'}${cost(Math.abs(x))}`;
  const lines = [`recovery probes: their retraining alone takes the unpruned model's ${w.what} from ${w.level(ref.baseline)} to ${w.level(ref.retrained)} (${ref.seconds.toFixed(0)} s); each plan's increases are measured beyond that`];
  lines.push(...r.rounds.map((round, i) => {
    const scout = i > 0 && !(r.rounds[i - 1].oneShot.sparsity > 0) ? ': the round before pruned nothing, so nothing measured its price' : '';
    const size = round.targetBytes !== undefined ? `the budget's size search at ~${Math.round(round.targetBytes).toLocaleString('en')} B, ` : '';
    const planned = i === 0 ? 'one-shot curves' : `${size}pruning's one-shot curves ×${round.pruningFactor.toPrecision(2)}${scout}`;
    return `recovery round ${i + 1} (${planned}): ~${Math.round(round.bytes).toLocaleString('en')} B, one-shot prediction +${cost(round.oneShot.sparsity)} pruning, +${cost(round.oneShot.bits)} codes; the probe's retraining left ${signed(round.probe.prunedIncrease)} after pruning, ${signed(round.probe.jointIncrease)} after clustering (${round.probe.seconds.toFixed(0)} s)`;
  }));
  const why = goal.kind === 'targetBytes'
    ? `the least ${w.what} after its probe`
    : r.rounds[r.chosen].probe.jointIncrease <= goal.value ? 'the smallest file whose probe stayed within the budget' : r.chosen > 0 ? "the smallest file whose probe left no more than the one-shot plan's (which the prediction puts within the budget)" : "no smaller plan's probe stayed within the budget or left no more than the one-shot plan's";
  lines.push(`kept round ${r.chosen + 1} (${r.chosen === 0 ? 'the one-shot plan' : 'a plan on rescaled curves'}): ${why}`);
  return lines;
}
