import { describe, expect, it } from 'vitest';
import { isDcError, type DcError } from '../errors/dc-error.js';
import { defineStage, type Stage } from '../stage.js';
import { snapshot } from '../testing/stage-contract.js';
import { tinyDenseModel } from '../testing/fixtures.js';
import { zeroFirst } from './test-stages.test-support.js';
import { createPipeline } from './pipeline.js';

const needsMasks = defineStage({
  name: 'test:needs-masks',
  options: { x: 1 },
  requires: ['prune/masks'],
  provides: [],
  async apply({ model, artifacts }) {
    return { model: { ...model }, artifacts: {}, metrics: { masks: artifacts['prune/masks'].size } };
  },
});

describe('createPipeline', () => {
  it('runs stages in order, passing artifacts and building a report', async () => {
    const seen: string[] = [];
    const result = await createPipeline()
      .use(zeroFirst)
      .use(needsMasks)
      .run(tinyDenseModel(), { observers: [{ onStageStart: (e) => seen.push(`start ${e.stage}`), onStageEnd: (e) => seen.push(`end ${e.stage}`) }] });
    expect(seen).toEqual(['start test:zero-first', 'end test:zero-first', 'start test:needs-masks', 'end test:needs-masks']);
    expect(result.report.stages.map((s) => s.metrics)).toEqual([{ zeroed: 2 }, { masks: 2 }]);
    expect(result.report.originalBytes).toBe((64 * 32 + 32 + 32 * 10 + 10) * 4);
    expect(result.report.stages[1].options).toEqual({ x: 1 });
    expect(result.model.layers[0].params.kernel!.values[0]).toBe(0);
  });

  it('is immutable: use() returns a new pipeline', () => {
    const empty = createPipeline();
    const one = empty.use(zeroFirst);
    expect(empty.stages).toHaveLength(0);
    expect(one.stages).toHaveLength(1);
    expect(one).not.toBe(empty);
  });

  it('rejects a missing artifact before running anything, naming stage and key', async () => {
    let ran = false;
    const spy: Stage = { ...zeroFirst, name: 'test:spy', provides: [], apply: async (i) => ((ran = true), { model: i.model, artifacts: {} }) };
    // @ts-expect-error needs-masks requires 'prune/masks', which nothing before it provides
    const pipeline = createPipeline().use(spy).use(needsMasks);
    const error = await pipeline.run(tinyDenseModel()).catch((e: unknown) => e);
    expect(isDcError(error) && error.code).toBe('MISSING_ARTIFACT');
    expect((error as DcError).stage).toBe('test:needs-masks');
    expect((error as DcError).message).toContain('prune/masks');
    expect(ran).toBe(false);
  });

  it('checks the order: a provider after its consumer does not count', () => {
    expect(() => createPipeline().useAll([needsMasks, zeroFirst]).validate()).toThrow(/MISSING_ARTIFACT/);
    expect(() => createPipeline().useAll([zeroFirst, needsMasks]).validate()).not.toThrow();
    expect(() => createPipeline().useAll([needsMasks]).validate(['prune/masks'])).not.toThrow();
  });

  it('honours an AbortSignal between stages', async () => {
    const controller = new AbortController();
    const aborting: Stage = { ...zeroFirst, name: 'test:abort', apply: async (i, ctx) => (controller.abort(), zeroFirst.apply(i, ctx)) };
    const error = await createPipeline().useAll([aborting, needsMasks]).run(tinyDenseModel(), { signal: controller.signal }).catch((e: unknown) => e);
    expect(isDcError(error) && error.code).toBe('ABORTED');
  });

  it('never mutates the input model', async () => {
    const model = tinyDenseModel();
    const before = snapshot(model);
    await createPipeline().use(zeroFirst).use(needsMasks).run(model);
    expect(snapshot(model)).toEqual(before);
  });

  it('wraps what a stage throws as STAGE_FAILED with the cause', async () => {
    const boom: Stage = { ...zeroFirst, name: 'test:boom', apply: async () => { throw new RangeError('bad'); } };
    const error = await createPipeline().useAll([boom]).run(tinyDenseModel()).catch((e: unknown) => e);
    expect(isDcError(error) && error.code).toBe('STAGE_FAILED');
    expect((error as DcError).cause).toBeInstanceOf(RangeError);
  });

  it('rejects a stage that does not return what it provides', async () => {
    const liar: Stage = { ...zeroFirst, name: 'test:liar', apply: async (i) => ({ model: i.model, artifacts: {} as never }) };
    await expect(createPipeline().useAll([liar]).run(tinyDenseModel())).rejects.toThrow(/did not return/);
  });

  it('rejects malformed stages and non-JSON options', () => {
    expect(() => createPipeline().useAll([{ name: 'x' } as unknown as Stage])).toThrow(/INVALID_STAGE/);
    expect(() => createPipeline().useAll([{ ...zeroFirst, options: { f: new Float32Array(2) } as never }])).toThrow(/OPTIONS_NOT_SERIALISABLE/);
  });

  it('gives each stage a seeded random source: same seed, same draws', async () => {
    const draws: number[][] = [];
    const drawing: Stage = { ...zeroFirst, name: 'test:draw', provides: [], apply: async (i, ctx) => (draws.push([ctx.random.next(), ctx.random.next()]), { model: i.model, artifacts: {} }) };
    await createPipeline().useAll([drawing]).run(tinyDenseModel(), { seed: 5 });
    await createPipeline().useAll([drawing]).run(tinyDenseModel(), { seed: 5 });
    await createPipeline().useAll([drawing]).run(tinyDenseModel(), { seed: 6 });
    expect(draws[0]).toEqual(draws[1]);
    expect(draws[0]).not.toEqual(draws[2]);
  });
});
