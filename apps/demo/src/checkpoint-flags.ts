/**
 * `run` starts from the shipped baseline checkpoint unless `--from-scratch` (or a preset that trains
 * its own: `max`, `seeded`; or a model without one: `seed-convnet`). Those checkpoints were trained on MNIST with the presets' own recipe,
 * so a run from one has no use for another data set or for baseline training flags: given without
 * `--from-scratch`, they are refused (`INVALID_OPTION`) instead of ignored — `--data-dir` with a
 * Fashion-MNIST folder would otherwise compress the MNIST network and measure it on clothes.
 */
import { DcError } from '@dc/core';

/** The flags that only a baseline trained in the run uses. */
export interface BaselineFlags {
  readonly dataDir?: string;
  readonly baselineEpochs?: number;
  readonly baselineLr?: number;
  readonly baselinePolishEpochs?: number;
  readonly fromScratch?: boolean;
}

const FLAGS = [
  ['dataDir', '--data-dir', 'sets the data set'],
  ['baselineEpochs', '--baseline-epochs', 'sets how the baseline trains'],
  ['baselineLr', '--baseline-lr', 'sets how the baseline trains'],
  ['baselinePolishEpochs', '--baseline-polish-epochs', 'sets how the baseline trains'],
] as const;

/**
 * `INVALID_OPTION` for the first of {@link BaselineFlags} given to a run that starts from the
 * shipped checkpoint (`trainsItsOwn`: the preset trains its own baseline, or the model has no
 * shipped checkpoint).
 */
export function refuseFlagsOfCheckpointRun(flags: BaselineFlags, trainsItsOwn: boolean): void {
  if (flags.fromScratch || trainsItsOwn) return;
  const given = FLAGS.find(([key]) => flags[key] !== undefined);
  if (!given) return;
  const [, flag, does] = given;
  throw new DcError('INVALID_OPTION', `${flag} ${does}, and this run starts from the shipped checkpoint (trained on MNIST)`, {
    option: flag,
    hint: `Add --from-scratch to train the baseline in this run${flag === '--data-dir' ? ' on that data set' : ''}, or drop ${flag}.`,
  });
}
