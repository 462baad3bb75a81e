/**
 * The planner's score of a model, higher is better, whatever `metric` the caller measures by: the
 * validation accuracy itself, or for `metric: 'loss'` one minus the validation loss relative to the
 * unchanged model's, so that every cost the planner adds up (a layer's increase, a budget, a
 * probe's measurement) is a share of the baseline loss.
 */
import { DcError, type Model } from '@dc/core';
import type { AllocateOptions } from './options.js';
import { PLANNER_NAME } from './options.js';

/** What a pipeline report says of a model: a stage's (or the baseline's) accuracy and loss. */
export interface Measured {
  readonly accuracy?: number;
  readonly loss?: number;
}

/** Scores by the caller's metric. */
export interface Scorer {
  /** The score of `model` on the caller's validation rows. */
  readonly evaluate: (model: Model) => Promise<number>;
  /** The score of what a recovery probe's pipeline report measured. */
  readonly ofReport: (m: Measured) => number;
  /** With `metric: 'loss'`: the unchanged model's validation loss every cost is a share of. */
  readonly baselineLoss?: number;
}

/** The scorer of `options.metric` for `model` (for `loss`, measures the model's loss once). */
export async function scorerFor(model: Model, options: Pick<AllocateOptions, 'evaluate' | 'metric'>): Promise<Scorer> {
  const evaluate = async (m: Model) => Number(await options.evaluate(m));
  if ((options.metric ?? 'accuracy') === 'accuracy') return { evaluate, ofReport: (m) => m.accuracy! };
  const baselineLoss = await evaluate(model);
  if (!(baselineLoss > 0 && Number.isFinite(baselineLoss))) {
    throw new DcError('INVALID_OPTION', `${PLANNER_NAME}: the unchanged model's validation loss is ${baselineLoss}; costs are shares of it, so it must be a positive number`, {
      option: 'metric',
      hint: 'A model that fits its validation targets exactly leaves nothing to trade: set sparsity and bits by hand.',
    });
  }
  return { evaluate: async (m) => 1 - (await evaluate(m)) / baselineLoss, ofReport: (m) => 1 - m.loss! / baselineLoss, baselineLoss };
}
