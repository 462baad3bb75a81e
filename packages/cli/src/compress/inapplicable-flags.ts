/**
 * `dc compress` runs one of four ways, and many of its flags mean something in some of them only:
 * a LayersModel retrained on `--data`; a LayersModel compressed post-training with the preset's or
 * `--sparsity` / `--bits` (`--no-retrain`); a GraphModel so; and a post-training plan measured on
 * `--calibration`. A flag given where it means nothing is `INVALID_OPTION` before any work, not
 * ignored: `--sparsity 0.9` beside `--calibration` would otherwise leave the planner's choice in a
 * file its user believes to be 90% pruned.
 */
import { DcError } from '@dc/core';

/** How a `dc compress` run compresses (see the module comment). */
export type CompressMode = 'retrain' | 'post-training' | 'graph' | 'calibrated';

/** A flag's option key (commander's camel case) and how it is spelled on the command line. */
export type Flag = readonly [key: string, spelled: string];

/** Flags a run has no use for, why, and what to do instead. */
export interface FlagGroup {
  readonly flags: readonly Flag[];
  readonly why: string;
  readonly hint: string;
}

/** Flags that set retraining. */
const RETRAINING: readonly Flag[] = [
  ['pruneRounds', '--prune-rounds'],
  ['pruneEpochs', '--prune-epochs'],
  ['pruneLr', '--prune-lr'],
  ['prunePolishEpochs', '--prune-polish-epochs'],
  ['clusterEpochs', '--cluster-epochs'],
  ['clusterLr', '--cluster-lr'],
  ['trainingThreads', '--training-threads'],
  ['augmentTranslate', '--augment-translate'],
  ['augmentFlip', '--augment-flip'],
];

/** Flags of a LayersModel compressed on `--data` with fixed or retrained sparsity and bits, retrained or not. */
const LAYER_GRAPH_DATA: readonly Flag[] = [
  ['data', '--data'],
  ['labels', '--labels'],
  ['targets', '--targets'],
  ['testLabels', '--test-labels'],
  ['testTargets', '--test-targets'],
  ['trainLimit', '--train-limit'],
  ['testLimit', '--test-limit'],
  ['validationSplit', '--validation-split'],
  ['batchSize', '--batch-size'],
  ['fromLogits', '--from-logits'],
  ['init', '--init'],
  ['preset', '--preset'],
  ['backend', '--backend'],
];

/** Flags of the post-training plan on `--calibration`. */
const CALIBRATION: readonly Flag[] = [
  ['calibrationLimit', '--calibration-limit'],
  ['maxOutputDrift', '--max-output-drift'],
  ['biasCorrection', '--no-bias-correction'],
  ['errorFeedback', '--error-feedback'],
  ['outputKinds', '--output-kinds'],
  ['judgeUnstable', '--judge-unstable'],
];

/** Flags a GraphModel compressed with fixed sparsity and bits has no use for, besides the above. */
const GRAPH_UNUSED: readonly Flag[] = [
  ['testData', '--test-data'],
  ['labelColumn', '--label-column'],
  ['targetColumns', '--target-columns'],
  ['classes', '--classes'],
  ['float32', '--float32'],
  ['foldBatchNorm', '--no-fold-batch-norm'],
  ['keepTopology', '--keep-topology'],
];

/**
 * What a LayersModel kept as given (`--keep-topology`, or a model dc's layer graph cannot hold) has
 * no use for in a `--no-retrain` run: it is compressed tensor by tensor as a GraphModel is, and not
 * measured (`dc run --reference` measures it). `--preset` and `--backend` have defaults: check them
 * with commander's option sources, not by their values.
 */
export const KEPT_AS_GIVEN_UNUSED: FlagGroup = {
  flags: [...LAYER_GRAPH_DATA, ['testData', '--test-data'], ['labelColumn', '--label-column'], ['targetColumns', '--target-columns'], ['classes', '--classes'], ['float32', '--float32']],
  why: 'does not apply to a LayersModel kept as given, which is compressed tensor by tensor with --sparsity and --bits and not measured here',
  hint: 'Drop it; dc run model.dcm --reference model.json --data <inputs> measures the file against the original (or compress with --calibration <inputs> for a plan measured on them).',
};

/** What each mode refuses, and why. */
const REFUSED: Record<CompressMode, readonly FlagGroup[]> = {
  retrain: [{ flags: CALIBRATION, why: 'sets the post-training plan on --calibration, and this run retrains on --data', hint: 'Drop it, or compress post-training: --no-retrain --calibration <inputs>.' }],
  'post-training': [
    { flags: RETRAINING, why: 'sets retraining, and --no-retrain trains nothing', hint: 'Drop it, or drop --no-retrain to retrain on --data.' },
    { flags: CALIBRATION, why: 'sets the post-training plan on --calibration, and none was given', hint: 'Add --calibration <inputs> for a plan within a fidelity budget, or drop it.' },
  ],
  graph: [
    { flags: RETRAINING, why: 'sets retraining, and a GraphModel is compressed post-training', hint: 'Drop it.' },
    { flags: CALIBRATION, why: 'sets the post-training plan on --calibration, and none was given', hint: 'Add --calibration <inputs> for a plan within a fidelity budget, or drop it.' },
    { flags: [...LAYER_GRAPH_DATA, ...GRAPH_UNUSED], why: 'does not apply to a GraphModel compressed with fixed sparsity and bits (only --sparsity, --bits, --seed, --input-scale and --input-offset do)', hint: 'Drop it, or add --calibration <inputs> (with --test-data) for a plan measured on inputs.' },
  ],
  calibrated: [
    { flags: RETRAINING, why: 'sets retraining, and a plan on --calibration trains nothing', hint: 'Drop it.' },
    { flags: [...LAYER_GRAPH_DATA, ['sparsity', '--sparsity'], ['bits', '--bits']], why: 'belongs to a compression on --data with fixed or retrained sparsity and bits; a plan on --calibration chooses each tensor\'s sparsity and bits on its own inputs', hint: 'Drop it (test inputs go to --test-data; a size to --target-bytes / --target-ratio), or drop --calibration for fixed --sparsity / --bits.' },
  ],
};

/** The mode of a run: `--calibration` given, else `--no-retrain` (a GraphModel or a LayersModel), else retraining. */
export function compressMode(o: { readonly calibration?: string; readonly retrain?: boolean }, graphModel: boolean): CompressMode {
  if (o.calibration !== undefined) return 'calibrated';
  if (graphModel) return 'graph';
  return o.retrain === false ? 'post-training' : 'retrain';
}

/**
 * `INVALID_OPTION` for the first flag in `o` that `mode` has no use for (see the module comment).
 * `given(key)` says whether the user gave a flag; by default, whether its value is defined (pass
 * commander's option source for flags with defaults: `--preset`, `--backend`, and the negated
 * `--no-bias-correction` and `--no-fold-batch-norm`).
 */
export function refuseInapplicableFlags(mode: CompressMode, given: (key: string) => boolean): void {
  refuseFirst(REFUSED[mode], given);
}

/** `INVALID_OPTION` for the first flag of `groups` that `given(key)` says the user gave, with its group's reason and hint. */
export function refuseFirst(groups: readonly FlagGroup[], given: (key: string) => boolean): void {
  for (const { flags, why, hint } of groups) {
    const flag = flags.find(([key]) => given(key));
    if (flag) throw new DcError('INVALID_OPTION', `${flag[1]} ${why}`, { option: flag[1], hint });
  }
}
