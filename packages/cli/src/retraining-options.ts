/**
 * The retraining flags `dc compress` and the demo's CLI share: pruning's retraining epochs and
 * rate, the masked polish, and centroid fine-tuning (one place, so the two spell them alike).
 */
import { Option, type Command } from 'commander';
import { nonNegativeInt, positiveNumber } from './flags.js';

/** Adds `--prune-epochs`, `--prune-lr`, `--prune-polish-epochs`, `--cluster-epochs`, `--cluster-lr` and `--init` to `command`. */
export function addRetrainingOptions(command: Command): Command {
  return command
    .option('--prune-epochs <n>', 'retraining epochs per round (0: none)', nonNegativeInt('--prune-epochs'))
    .option('--prune-lr <x>', 'retraining learning rate', positiveNumber('--prune-lr'))
    .option('--prune-polish-epochs <n>', 'masked retraining epochs at a tenth of --prune-lr after the last round (0: none)', nonNegativeInt('--prune-polish-epochs'))
    .option('--cluster-epochs <n>', 'centroid fine-tuning epochs (0: none)', nonNegativeInt('--cluster-epochs'))
    .option('--cluster-lr <x>', 'centroid fine-tuning learning rate', positiveNumber('--cluster-lr'))
    .addOption(new Option('--init <method>', 'centroid initialisation').choices(['linear', 'density', 'random', 'kmeans++']));
}
