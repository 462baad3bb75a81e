/**
 * The run-time half of the staleness rules: after each stage, the weights must still agree with
 * the masks and codebooks that stages of the run provided (pruned weights exactly zero, clustered
 * weights exactly on their centroids). A stage that changes weights without declaring `changes` is caught
 * here, by name, instead of producing a file that decodes to a different model.
 */
import type { ArtifactMap } from '../artifacts.js';
import { DcError } from '../errors/dc-error.js';
import type { Model } from '../ir/model.js';
import { listParams } from '../ir/params.js';

/** Where a tensor first disagrees with an artifact, or `undefined` when it agrees. */
function firstDisagreement(model: Model, artifacts: Partial<ArtifactMap>): { key: string; artifact: string; detail: string } | undefined {
  const masks = artifacts['prune/masks'];
  const codebooks = artifacts['quantize/codebooks'];
  if (!masks && !codebooks) return undefined;
  for (const ref of listParams(model)) {
    const values = ref.tensor.values;
    const mask = masks?.get(ref.key);
    if (mask) {
      const i = values.findIndex((v, j) => mask[j] === 0 && v !== 0);
      if (i >= 0) return { key: ref.key, artifact: 'prune/masks', detail: `pruned weight ${i} is ${values[i]}, not 0` };
    }
    const cb = codebooks?.get(ref.key);
    if (!cb) continue;
    const expected = new Float32Array(values.length);
    for (let i = 0; i < cb.positions.length; i++) expected[cb.positions[i]] = cb.centroids[cb.codes[i]];
    const i = values.findIndex((v, j) => v !== expected[j]);
    if (i >= 0) return { key: ref.key, artifact: 'quantize/codebooks', detail: `weight ${i} is ${values[i]}, its codebook gives ${expected[i]}` };
  }
  return undefined;
}

/**
 * Throws `STALE_ARTIFACT` when the weights `stage` returned disagree with a mask or codebook that
 * a pipeline stage provided (`providers`: artifact key → stage). Artifacts given to `run()` are
 * not held to this until a stage provides them again: pruning applies masks loaded from elsewhere,
 * and the encoder checks the file it writes against the model.
 */
export function assertArtifactsAgree(model: Model, artifacts: Partial<ArtifactMap>, providers: ReadonlyMap<string, string>, stage: string): void {
  const provided = Object.fromEntries(Object.entries(artifacts).filter(([key]) => providers.has(key))) as Partial<ArtifactMap>;
  const wrong = firstDisagreement(model, provided);
  if (!wrong) return;
  throw new DcError('STALE_ARTIFACT', `stage "${stage}" returned weights that disagree with artifact "${wrong.artifact}" from "${providers.get(wrong.artifact)}" at ${wrong.key}: ${wrong.detail}`, {
    stage,
    tensor: wrong.key,
    hint: `Declare what "${stage}" changes (\`changes: ['values']\` or \`['values', 'zeros']\`) so the pipeline can check the stage order, or keep pruned weights at 0 and clustered weights on their centroids.`,
  });
}
