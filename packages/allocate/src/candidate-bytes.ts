/**
 * The real size of an allocation: prune one-shot to its sparsities, cluster to its bits (no
 * retraining) and write the file with the real writer. Retraining later moves weights but not the
 * number of kept weights or codebooks, so this lands within a few percent of the final file.
 */
import { createPipeline, type Model, type Stage } from '@dc/core';
import { pruneLowMagnitude } from '@dc/prune';
import { clusterWeights } from '@dc/quantize';

/**
 * Bytes of the file `writer` writes for `model` pruned to `sparsity`, passed through `afterPruning`'s
 * stages (e.g. a batch-norm fold, as the run's own pipeline does before clustering), and clustered to `bits`.
 */
export async function candidateBytes(model: Model, sparsity: Record<string, number>, bits: Record<string, number>, writer: () => Stage<never, 'encode/file'>, afterPruning: () => readonly Stage[] = () => []): Promise<number> {
  const result = await createPipeline()
    .use(pruneLowMagnitude({ sparsity, evaluate: false }))
    .useAll([...afterPruning()])
    .use(clusterWeights({ layerBits: bits, evaluate: false }))
    .use(writer())
    .run(model, { seed: 1 });
  return result.artifacts['encode/file']!.bytes.length;
}
