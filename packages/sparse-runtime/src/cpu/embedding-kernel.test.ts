import { describe, expect, it } from 'vitest';
import { loadCompressedModel } from '../model/load.js';
import { createSession } from '../session.js';
import { expectedRows, tokenTableModel } from '../testing/token-table.js';
import { createCpuBackend } from './index.js';

// Ids as the table sees them: in range, fractions (truncated toward zero), past either end, NaN.
const IDS = Float32Array.of(0, 4.9, -0.5, 2, 5, -1, Number.NaN, 3, 1e9, -1e9, 1.25, 4);

describe('embedding on cpu', () => {
  it.each(['dense', 'dense-coded', 'sparse', 'sparse-coded'] as const)('reads rows of a %s table as the file stores it, zeros for ids outside it', async (layout) => {
    const session = await createSession(await loadCompressedModel(tokenTableModel(layout)), { backend: createCpuBackend() });
    expect(Array.from(await session.predict(IDS, 3))).toEqual(Array.from(expectedRows(IDS)));
    session.dispose();
  });

  it('refuses, on every backend alike, a model input that is not an id of the table reading it', async () => {
    const model = await loadCompressedModel({ ...tokenTableModel('sparse-coded'), layers: [{ name: 'embed', config: { kind: 'embedding', inputDim: 5, outputDim: 3 } }] });
    const session = await createSession(model, { backend: createCpuBackend() });
    expect(Array.from(await session.predict(Float32Array.of(0, 4.9, -0.5, 1), 1))).toEqual(Array.from(expectedRows(Float32Array.of(0, 4.9, -0.5, 1))));
    for (const bad of [5, -1, Number.NaN]) {
      await expect(session.predict(Float32Array.of(0, 1, bad, 2), 1)).rejects.toMatchObject({ code: 'INVALID_OPTION', option: 'batch', message: expect.stringContaining('"embed" (0 to 4)') });
    }
    session.dispose();
  });
});
