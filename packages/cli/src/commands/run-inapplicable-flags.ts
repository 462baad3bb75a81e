/**
 * `dc run` runs one of three ways — a layer-graph file by the sparse runtime (accuracy, targets),
 * a GraphModel file (or a LayersModel kept as given) through tfjs (its outputs), or either against
 * the model it was compressed from (`--reference`: fidelity) — and a flag given where its run has
 * no use for it is `INVALID_OPTION`, not ignored (`--labels` beside `--reference` would otherwise
 * leave its user believing the report counts them).
 */
import { refuseFirst, type FlagGroup } from '../compress/inapplicable-flags.js';

/** How a `dc run` runs (see the module comment). */
export type RunMode = 'layer-graph' | 'graph' | 'reference';

const REFERENCE_ONLY = [
  ['maxOutputDrift', '--max-output-drift'],
  ['outputKinds', '--output-kinds'],
  ['judgeUnstable', '--judge-unstable'],
] as const;

const LABELS = [
  ['labels', '--labels'],
  ['targets', '--targets'],
  ['fromLogits', '--from-logits'],
  ['split', '--split'],
] as const;

const WITHOUT_REFERENCE: FlagGroup = { flags: REFERENCE_ONLY, why: 'judges a run against --reference, and none was given', hint: 'Add --reference <model.json> to compare the file with its original, or drop it.' };

const REFUSED: Record<RunMode, readonly FlagGroup[]> = {
  'layer-graph': [WITHOUT_REFERENCE],
  graph: [
    WITHOUT_REFERENCE,
    { flags: [...LABELS, ['labelColumn', '--label-column'], ['targetColumns', '--target-columns'], ['classes', '--classes'], ['threads', '--threads']], why: 'belongs to a layer-graph file run by the sparse runtime; a GraphModel file runs through tfjs and reports its outputs', hint: 'Drop it; dc run --reference <model.json> compares the outputs with the original\'s.' },
  ],
  reference: [{ flags: [...LABELS, ['threads', '--threads'], ['backend', '--backend']], why: 'belongs to a run of the file alone; --reference compares its outputs with the original\'s on the inputs of --data', hint: 'Drop it, or drop --reference for accuracy on labels.' }],
};

/** `INVALID_OPTION` for the first flag the user gave (`given(key)`) that a run of `mode` has no use for. */
export function refuseInapplicableRunFlags(mode: RunMode, given: (key: string) => boolean): void {
  refuseFirst(REFUSED[mode], given);
}
