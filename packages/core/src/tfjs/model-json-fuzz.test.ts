/**
 * A forged LayersModel model.json never crashes `loadModel`: random edits of a Keras-converter
 * model.json (a member deleted, or replaced by a value of another type or an odd number) either
 * load, convert and encode, or are refused with a DcError; never a TypeError from deep inside.
 * `DC_FUZZ_RUNS` / `DC_FUZZ_SEED` run more cases or others (200, seed 2026 in CI).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeContainer } from '../container/encode.js';
import { isDcError } from '../errors/dc-error.js';
import { applyJsonEdits, JSON_EDIT_VALUES } from '../testing/json-edits.js';
import { writeKerasFixture } from './keras-fixture.test-support.js';
import { loadModel } from './load-model.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('LayersModel model.json fuzz', () => {
  it('random edits of a Keras model.json are loaded and encoded, or refused with a DcError', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dc-model-json-fuzz-'));
    await writeKerasFixture(dir);
    const path = join(dir, 'model.json');
    const text = await readFile(path, 'utf8');
    const edit = fc.record({ at: fc.nat(), value: fc.nat({ max: JSON_EDIT_VALUES.length - 1 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        const json = JSON.parse(text) as Record<string, unknown>;
        const forged = applyJsonEdits(json, edits);
        await writeFile(path, JSON.stringify(json));
        try {
          const { model } = await loadModel(path, { tf });
          encodeContainer({ model });
        } catch (e) {
          if (!isDcError(e)) throw new Error(`${forged.join('; ')}: ${String(e)}`, { cause: e });
          expect(e.hint).toBeTruthy();
        }
      }),
      { numRuns: Number(process.env.DC_FUZZ_RUNS ?? 200), seed: Number(process.env.DC_FUZZ_SEED ?? 2026) },
    );
  }, 600_000);
});
