/**
 * The `foldBatchNorm()` stage: batch norms merged into the convolutions and dense layers before
 * them (see `foldBatchNormModel`), so the compressed file stores and the runtimes run one node
 * where the model had two, and pruning and clustering see the weights that are actually used.
 */
import { optionChecks, type OptionChecks, type OptionKeys } from '../options/option-checks.js';
import type { Stage } from '../stage.js';
import { foldBatchNormModel } from './fold.js';

/** The stage name of {@link foldBatchNorm}. */
export const FOLD_BATCH_NORM_STAGE = 'dc:fold-batch-norm';

/** Options of {@link foldBatchNorm}: none yet (an object, so that options can be added). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface FoldBatchNormOptions {}

const KEYS: OptionKeys<FoldBatchNormOptions> = {};
const check: OptionChecks = optionChecks(FOLD_BATCH_NORM_STAGE);

/**
 * Creates the batch-norm folding stage (name `dc:fold-batch-norm`). Each `batchNorm` node whose
 * input is a linear `dense`, `conv2d` or `depthwiseConv2d` node feeding only it is folded into that
 * node (`kernel · s`, `(bias − mean) · s + beta`, `s = gamma / sqrt(variance + epsilon)` in float64;
 * the node keeps its name, later nodes read it instead of the batch norm); every other batch norm
 * stays an affine op. Pruned weights stay exactly `+0`. It changes weight values, so run it before
 * clustering (the pipeline refuses the reverse order: the codebooks would be stale). Metrics:
 * `folded` (`[batchNorm, into]` pairs) and `kept` (`{ node, reason }`).
 *
 * Where to put it: after pruning with retraining (the batch norms train with the layers before
 * them) and before clustering, `prune → fold → cluster`, so the codebooks see the folded weights.
 */
export function foldBatchNorm(options: FoldBatchNormOptions = {}): Stage<never, never> {
  check.object<FoldBatchNormOptions>(options, 'options', KEYS);
  return {
    name: FOLD_BATCH_NORM_STAGE,
    options: {},
    requires: [],
    provides: [],
    changes: ['values'],
    async apply({ model }, ctx) {
      ctx.throwIfAborted();
      const { model: out, folded, kept } = foldBatchNormModel(model);
      for (const k of kept) ctx.reporter.info(`batch norm "${k.node}" kept as an affine op: ${k.reason}`);
      return {
        model: out,
        artifacts: {},
        metrics: { folded: folded.map(([bn, into]) => [bn, into]), kept: kept.map((k) => ({ node: k.node, reason: k.reason })) },
      };
    },
  };
}
