import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '@dc/core';
import { clusterAtWidth, clusterInput, clusterTensor } from './cluster-tensor.js';

const OPTIONS = { init: 'linear', algorithm: 'lloyd-1d', maxIterations: 300, emptyClusters: 'drop' } as const;

describe('clusterInput + clusterAtWidth', () => {
  it('clustering one prepared input at several widths, in any order, gives exactly clusterTensor at each (property)', () => {
    const tensor = fc
      .tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 60 }), fc.boolean(), fc.integer({ min: 1, max: 1000 }))
      .map(([channels, rows, withChannels, seed]) => {
        const rnd = createRandom(seed);
        // Channels of different scales, some exact zeros, some weights masked out.
        const values = Float32Array.from({ length: rows * channels }, (_, i) => (rnd.next() < 0.1 ? 0 : Math.fround((rnd.next() - 0.5) * 10 ** ((i % channels) - 3))));
        const mask = Uint8Array.from(values, () => (rnd.next() < 0.3 ? 0 : 1));
        return { values, mask, channels: withChannels ? channels : undefined };
      });
    fc.assert(
      fc.property(tensor, fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 }), ({ values, mask, channels }, widths) => {
        const before = values.slice();
        const input = clusterInput(values, mask, channels);
        for (const bits of widths) {
          const once = clusterAtWidth(input, { bits, ...OPTIONS }, createRandom(1));
          const fresh = clusterTensor(values, mask, { bits, ...OPTIONS, ...(channels === undefined ? {} : { channels }) }, createRandom(1));
          expect(once).toEqual(fresh);
          once.codebook.positions.fill(0);
          once.codebook.scales?.fill(3);
        }
        expect(values).toEqual(before);
      }),
      { numRuns: 150 },
    );
  });

  it('channels that do not divide the tensor are INVALID_OPTION', () => {
    expect(() => clusterInput(new Float32Array(10), undefined, 3)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', option: 'channels' }));
  });
});
