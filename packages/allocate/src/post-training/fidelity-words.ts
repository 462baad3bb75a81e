/** A fidelity report in words, for logs and reasons: each output by its own metric. */
import type { FidelityReport } from './compare-outputs.js';
import type { FidelityBudget, OutputKind } from './fidelity.js';
import { isListPartner } from './nms-lists.js';

/** One output's own metric in words (a classifier's top-1 agreement and largest probability change, a mask's IoU, ...). */
export function outputMetricWords(o: FidelityReport['outputs'][number]): string {
  if (o.kind === 'nms-boxes') {
    const classes = o.classAgreement === undefined ? '' : `, class kept by ${(100 * o.classAgreement).toFixed(2)}%`;
    return `smallest IoU of a detection with its match ${(100 * (o.iou ?? 1)).toFixed(2)}% (${o.detectionsShown ?? 0} judged), largest score change ${(o.scoreChange ?? 0).toFixed(4)}${classes}`;
  }
  if (isListPartner(o.kind)) return 'judged with its detections';
  if (o.detectionsShown !== undefined) return `smallest box IoU ${(100 * (o.iou ?? 1)).toFixed(2)}%, largest keypoint move ${(100 * (o.keypointMove ?? 0)).toFixed(2)}% of its box (${o.detectionsShown} shown), largest score change ${(o.scoreChange ?? 0).toFixed(4)}`;
  if (o.top1Agreement !== undefined) return `top-1 agreement ${(100 * o.top1Agreement).toFixed(2)}% of ${o.judgedSamples ?? 0} judged sample(s), largest probability change ${(o.scoreChange ?? 0).toFixed(4)}`;
  if (o.iou !== undefined) return `IoU ${(100 * o.iou).toFixed(2)}%`;
  if (o.minCosine !== undefined) return `min cosine ${o.minCosine.toFixed(4)}`;
  if (o.scoreChange !== undefined) return `largest score change ${o.scoreChange.toFixed(4)}`;
  if (o.keypointMove !== undefined) return `largest keypoint move ${(100 * o.keypointMove).toFixed(2)}% (${o.keypointsShown ?? 0} shown)`;
  if (o.kind === 'ignore') return `not judged (relative error ${(100 * o.relativeError).toFixed(2)}%)`;
  return `relative error ${(100 * o.relativeError).toFixed(2)}%`;
}

/**
 * "within budget", or "over budget" naming each output over it with its metric: a report's worst
 * error alone can sit inside the budget while it is over (a classifier whose probabilities moved
 * 0.016 of the 0.02 allowed, but enough to change a near-tie's top class).
 */
export function budgetVerdict(f: FidelityReport): string {
  if (f.withinBudget) return 'within budget';
  const over = f.outputs.filter((o) => !o.withinBudget).map((o) => `output ${o.output} (${o.kind}): ${outputMetricWords(o)}`);
  return `over budget (${over.join('; ')})`;
}

/** The budget's terms that judge outputs of `kinds`, each once, in words ("top-1 agreement ≥ 0.99, mask IoU ≥ 0.98"). */
export function budgetWords(kinds: readonly OutputKind[], b: FidelityBudget): string {
  const terms: Record<OutputKind, string[]> = {
    classifier: [`top-1 agreement ≥ ${b.minTop1Agreement}`],
    mask: [`mask IoU ≥ ${b.minIoU}`],
    score: [`score changes ≤ ${b.maxScoreChange}`],
    'detection-scores': [`score changes ≤ ${b.maxScoreChange}`],
    embedding: [`embedding cosine ≥ ${b.minCosine}`],
    regression: [`relative error ≤ ${b.maxRelativeError}`],
    keypoints: [`keypoint moves ≤ ${b.maxKeypointMove}`],
    detections: [`score changes ≤ ${b.maxScoreChange}`, `box IoU ≥ ${b.minIoU}`, `keypoint moves ≤ ${b.maxKeypointMove} of the box`],
    'nms-boxes': [`score changes ≤ ${b.maxScoreChange}`, `box IoU ≥ ${b.minIoU}`],
    'nms-scores': [],
    'nms-classes': [`detections keeping their class ≥ ${b.minTop1Agreement}`],
    ignore: [],
  };
  const words = [...new Set(kinds.flatMap((k) => terms[k]))];
  return words.length > 0 ? words.join(', ') : 'nothing judged';
}
