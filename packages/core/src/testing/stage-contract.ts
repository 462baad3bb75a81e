import { describe, expect, it } from 'vitest';
import type { ArtifactKey, ArtifactMap } from '../artifacts.js';
import type { Model } from '../ir/model.js';
import { listParams } from '../ir/params.js';
import { isJsonSerialisable } from '../json.js';
import { validateModel } from '../ops/validate-model.js';
import { createPipeline } from '../pipeline/pipeline.js';
import type { Stage } from '../stage.js';
import type { TrainingService } from '../training.js';

/** The input a contract run feeds the stage. */
export interface StageContractFixture {
  model: Model;
  /** Artifacts the stage requires (e.g. masks for a stage after pruning). */
  artifacts?: Partial<ArtifactMap>;
  trainer?: TrainingService;
}

/** A deep, comparable snapshot of anything made of plain objects, Maps and typed arrays. */
export function snapshot(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (value instanceof Map) return [...value.entries()].map(([k, v]) => [k, snapshot(v)]);
  if (Array.isArray(value)) return value.map(snapshot);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, snapshot(v)]));
  return value;
}

/** Options of {@link runStageContract}. */
export interface StageContractOptions {
  /**
   * The stage rewrites the graph (e.g. folds batch norms into the layers before them): its output
   * is checked to be a valid model instead of having the input's parameter shapes.
   */
  structural?: boolean;
}

/**
 * The contract every stage must honour, as a vitest suite; third-party stages run it too:
 * ```ts
 * runStageContract('my-pkg:scale', () => scaleWeights({ factor: 2 }), () => ({ model: tinyDenseModel() }));
 * ```
 * Checks: a well-formed name, JSON options, the input model and artifacts never mutated, a new
 * model returned, every promised artifact returned, identical results for identical seeds.
 */
export function runStageContract(
  title: string,
  makeStage: () => Stage,
  makeFixture: () => StageContractFixture | Promise<StageContractFixture>,
  options: StageContractOptions = {},
): void {
  describe(`stage contract: ${title}`, () => {
    const run = async (seed: number) => {
      const stage = makeStage();
      const fixture = await makeFixture();
      const before = snapshot({ model: fixture.model, artifacts: fixture.artifacts });
      const result = await createPipeline()
        .useAll([stage])
        .run(fixture.model, { seed, artifacts: fixture.artifacts, trainer: fixture.trainer, evaluate: false });
      return { stage, fixture, before, result };
    };

    it('has a namespaced name and JSON-serialisable options', () => {
      const stage = makeStage();
      expect(stage.name).toMatch(/^[@a-z0-9][\w./@-]*:[a-z0-9][\w-]*$/i);
      expect(isJsonSerialisable(stage.options)).toBe(true);
      expect(JSON.parse(JSON.stringify(stage.options ?? null))).toEqual(stage.options ?? null);
    });

    it('never mutates its input and returns a new model', async () => {
      const { fixture, before, result } = await run(7);
      expect(snapshot({ model: fixture.model, artifacts: fixture.artifacts })).toEqual(before);
      expect(result.model).not.toBe(fixture.model);
    });

    it(`returns every artifact it provides, and ${options.structural ? 'a valid model' : 'a model with the same parameter shapes'}`, async () => {
      const { stage, fixture, result } = await run(7);
      for (const key of stage.provides as readonly ArtifactKey[]) expect(result.artifacts[key], key).toBeDefined();
      if (options.structural) {
        expect(() => validateModel(result.model)).not.toThrow();
        return;
      }
      const shapes = (m: Model) => listParams(m).map((p) => [p.key, p.tensor.shape]);
      expect(shapes(result.model)).toEqual(shapes(fixture.model));
    });

    it('is deterministic under a seed', async () => {
      const a = await run(42);
      const b = await run(42);
      expect(snapshot(b.result.model)).toEqual(snapshot(a.result.model));
      expect(snapshot(b.result.artifacts)).toEqual(snapshot(a.result.artifacts));
    });
  });
}
