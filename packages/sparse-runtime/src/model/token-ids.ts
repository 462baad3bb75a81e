/**
 * The token ids a model's embedding tables read from the model input, checked before a backend
 * runs: tfjs refuses an id outside a table (on cpu and node) while a GPU would read zeros, so a
 * session refuses it on every backend alike, naming the value and the table. (An id an embedding
 * reads from another node's output is the kernels' to handle: zeros on cpu and webgpu.)
 */
import { DcError, type EmbeddingConfig } from '@dc/core';
import { INPUT_VALUE, type ModelPlan } from './plan.js';

/** The tables read from the model input: a check of a batch against them, or undefined when none is. */
export function tokenIdCheck(plan: ModelPlan): ((batch: Float32Array) => void) | undefined {
  const tables = plan.steps.filter((s) => s.kind === 'embedding' && s.inputs[0] === INPUT_VALUE);
  if (tables.length === 0) return undefined;
  const rows = Math.min(...tables.map((s) => (s.config as EmbeddingConfig).inputDim));
  const table = tables.find((s) => (s.config as EmbeddingConfig).inputDim === rows)!;
  return (batch) => {
    for (let i = 0; i < batch.length; i++) {
      const id = Math.trunc(batch[i]);
      if (id >= 0 && id < rows) continue;
      throw new DcError('INVALID_OPTION', `batch value ${batch[i]} at index ${i} is not a token id of embedding "${table.name}" (0 to ${rows - 1})`, {
        option: 'batch',
        hint: 'Give token ids in the vocabulary the model was trained with: map unknown words to its out-of-vocabulary id, as its tokenizer did in training.',
      });
    }
  };
}
