import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DcError, isDcError } from '../errors/dc-error.js';
import type { Model } from '../ir/model.js';
import { mapParams } from '../ir/params.js';
import { quantizeSigns, zeroFirst } from './test-stages.test-support.js';
import { assertLayerNames, layerReferences } from '../options/layer-names.js';
import { defineStage, type Stage } from '../stage.js';
import { tinyDenseModel } from '../testing/fixtures.js';
import { createPipeline } from './pipeline.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function rejection(promise: Promise<unknown>): Promise<DcError> {
  const e = await promise.then(() => new Error('resolved'), (error: unknown) => error);
  if (!isDcError(e)) throw e;
  return e;
}

const writeFile = defineStage({
  name: 'test:write',
  options: {},
  requires: [],
  provides: [],
  uses: ['prune/masks', 'quantize/codebooks'],
  async apply({ model }) {
    return { model: { ...model }, artifacts: {} };
  },
});

/** Moves every weight a little without declaring `changes`. */
const undeclaredNudge: Stage<never, never> = {
  name: 'test:nudge',
  options: {},
  requires: [],
  provides: [],
  async apply({ model }) {
    return { model: mapParams(model, (ref) => ({ shape: ref.tensor.shape, values: ref.tensor.values.map((v) => v + 1e-3) })), artifacts: {} };
  },
};

describe('the pipeline keeps the inner error code', () => {
  it('a DcError from a stage reaches the caller with its code, stage, option and cause', async () => {
    const needsTrainer: Stage<never, never> = { ...writeFile, name: 'test:retrain', apply: async () => { throw new DcError('TRAINER_REQUIRED', 'option "retrain" needs a trainer', { option: 'retrain' }); } };
    const e = await rejection(createPipeline().use(needsTrainer).run(tinyDenseModel()));
    expect(e.code).toBe('TRAINER_REQUIRED');
    expect(e.stage).toBe('test:retrain');
    expect(e.option).toBe('retrain');
    expect(e.message).toBe('[TRAINER_REQUIRED] stage "test:retrain": option "retrain" needs a trainer');
    expect(isDcError(e.cause) && e.cause.code).toBe('TRAINER_REQUIRED');
  });
});

describe('layer names are checked before the first stage runs', () => {
  it('a later stage’s unknown layer fails before an earlier stage trains', async () => {
    let ran = false;
    const slow: Stage<never, never> = { ...writeFile, name: 'test:slow', apply: async ({ model }) => ((ran = true), { model: { ...model }, artifacts: {} }) };
    const typo: Stage<never, never> = {
      ...writeFile,
      name: 'test:typo',
      checkModel: (model: Model) => assertLayerNames(model, layerReferences('layerBits', { fc1: 4, nosuch: 4 }), { stage: 'test:typo' }),
    };
    const e = await rejection(createPipeline().use(slow).use(typo).run(tinyDenseModel()));
    expect(e).toMatchObject({ code: 'UNKNOWN_LAYER', stage: 'test:typo', option: 'layerBits.nosuch', tensor: 'nosuch' });
    expect(e.message).toContain('valid: fc1, fc2');
    expect(ran).toBe(false);
  });
});

describe('run() checks its model (validateModel)', () => {
  it('rejects an empty model with INVALID_MODEL', async () => {
    const e = await rejection(createPipeline().use(writeFile).run({ name: 'empty', inputShape: [4], layers: [] }));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toContain('model.layers');
  });

  it('rejects malformed IR models with INVALID_MODEL naming the field', async () => {
    const good = tinyDenseModel();
    const fc1 = good.layers[0];
    const cases: [unknown, string][] = [
      [null, 'model'],
      [{ ...good, layers: undefined }, 'model.layers'],
      [{ ...good, inputShape: [0] }, 'model.inputShape'],
      [{ ...good, layers: [fc1, { ...fc1 }] }, 'layer "fc1"'],
      [{ ...good, layers: [{ ...fc1, config: {} }] }, 'layer "fc1".config.kind'],
      [{ ...good, layers: [{ ...fc1, params: { ...fc1.params, kernel: { shape: [64, 32], values: [1, 2] } } }, good.layers[1]] }, 'fc1/kernel'],
      [{ ...good, layers: [{ ...fc1, params: { ...fc1.params, kernel: { shape: [64, 31], values: fc1.params.kernel!.values } } }, good.layers[1]] }, 'fc1/kernel'],
    ];
    for (const [model, field] of cases) {
      const e = await rejection(createPipeline().use(writeFile).run(model as Model));
      expect(e.code, field).toBe('INVALID_MODEL');
      expect(e.message, field).toContain(field);
    }
  });

  it('recognises a tfjs LayersModel and says to convert it with fromLayersModel', async () => {
    const lm = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
    const e = await rejection(createPipeline().use(writeFile).run(lm as unknown as Model));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.hint).toContain('fromLayersModel');
    expect(e.hint).toContain('@dc/core/tfjs');
    lm.dispose();
  });
});

describe('stage order and stale artifacts', () => {
  it('clustering before pruning, then writing, is a STALE_ARTIFACT error when the pipeline is built', () => {
    const build = () => createPipeline().use(quantizeSigns).use(zeroFirst).use(writeFile);
    expect(build).toThrow(DcError);
    const e = (() => {
      try {
        build();
      } catch (error) {
        return error as DcError;
      }
    })()!;
    expect(e.code).toBe('STALE_ARTIFACT');
    expect(e.stage).toBe('test:write');
    expect(e.message).toContain('"quantize/codebooks" from "test:quantize"');
    expect(e.message).toContain('"test:zero-first"');
    expect(() => createPipeline().use(zeroFirst).use(quantizeSigns).use(writeFile)).not.toThrow();
  });

  it('also checks artifacts given to run(), and drops a stale artifact nobody uses', async () => {
    const pruned = await createPipeline().use(zeroFirst).use(quantizeSigns).run(tinyDenseModel());
    const { 'quantize/codebooks': codebooks } = pruned.artifacts;
    const e = await rejection(createPipeline().use(zeroFirst).use(writeFile).run(pruned.model, { artifacts: { 'quantize/codebooks': codebooks } }));
    expect(e.code).toBe('STALE_ARTIFACT');
    expect(e.message).toContain('from "run() options"');
    const result = await createPipeline().use(quantizeSigns).use(zeroFirst).run(tinyDenseModel());
    expect(Object.keys(result.artifacts)).toEqual(['prune/masks']);
  });

  it('a stage that moves weights off their codebook without declaring it fails, by name', async () => {
    const e = await rejection(createPipeline().use(quantizeSigns).use(undeclaredNudge).use(writeFile).run(tinyDenseModel()));
    expect(e).toMatchObject({ code: 'STALE_ARTIFACT', stage: 'test:nudge', tensor: 'fc1/kernel' });
    expect(e.message).toContain('artifact "quantize/codebooks" from "test:quantize"');
  });

  it("a stage that moves only biases ('biases') keeps the codebooks of the kernels; it makes a file written before it stale", async () => {
    const shiftBiases = defineStage({
      name: 'test:shift-biases',
      options: {},
      requires: [],
      provides: [],
      changes: ['biases'],
      async apply({ model }) {
        return { model: mapParams(model, (ref) => (ref.param === 'bias' ? { shape: ref.tensor.shape, values: ref.tensor.values.map((v) => v + 0.5) } : undefined)), artifacts: {} };
      },
    });
    // quantizeSigns clusters kernels only: after the bias shift its codebooks still hold (the run checks them).
    const result = await createPipeline().use(quantizeSigns).use(shiftBiases).use(writeFile).run(tinyDenseModel());
    expect(result.artifacts['quantize/codebooks']?.size).toBeGreaterThan(0);
    const writes = defineStage({ ...writeFile, name: 'test:writes', provides: ['encode/file'] as never });
    const reads = defineStage({ ...writeFile, name: 'test:reads', uses: ['encode/file'] });
    expect(() => createPipeline().use(writes).use(shiftBiases).use(reads)).toThrow(/STALE_ARTIFACT/);
    expect(() => createPipeline().use(writes).use(reads)).not.toThrow();
  });

  it('rejects a malformed `changes` declaration', () => {
    expect(() => createPipeline().use({ ...writeFile, changes: ['weights'] } as never)).toThrow(/INVALID_STAGE/);
  });
});
