/**
 * A forged model.json never crashes the loader: random edits of the fixture's model.json (a member
 * deleted, or replaced by a value of another type or an odd number) are either loaded, and then
 * analysed, compressed and encoded, or refused with a DcError; never a TypeError from deep inside.
 * `DC_FUZZ_RUNS` / `DC_FUZZ_SEED` run more cases or others (200, seed 2026 in CI).
 */
import { writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isDcError } from '@dc/core';
import { activateTfBackend } from '@dc/core/tfjs';
import { applyJsonEdits, JSON_EDIT_VALUES } from '@dc/core/testing';
import { biasLinks, channelCounts, compressGraphModel, encodeGraphModel, loadGraphModelArtifacts, uniformAllocation } from './index.js';
import { fixtureFiles, writeFixture } from './testing/fixture.js';

beforeAll(async () => {
  await activateTfBackend(tf, 'cpu');
});

describe('model.json fuzz', () => {
  it('random edits of a GraphModel model.json are loaded and compressed, or refused with a DcError', async () => {
    const path = await writeFixture();
    const edit = fc.record({ at: fc.nat(), value: fc.nat({ max: JSON_EDIT_VALUES.length - 1 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        const { json } = fixtureFiles();
        const forged = applyJsonEdits(json, edits);
        await writeFile(path, JSON.stringify(json));
        try {
          const source = await loadGraphModelArtifacts(path);
          biasLinks(source, new Set(source.tensors.map((t) => t.name)));
          channelCounts(source);
          encodeGraphModel(compressGraphModel(source, uniformAllocation(source.tensors)));
        } catch (e) {
          if (!isDcError(e)) throw new Error(`${forged.join('; ')}: ${String(e)}`, { cause: e });
          expect(e.hint).toBeTruthy();
        }
      }),
      { numRuns: Number(process.env.DC_FUZZ_RUNS ?? 200), seed: Number(process.env.DC_FUZZ_SEED ?? 2026) },
    );
  }, 600_000);
});
