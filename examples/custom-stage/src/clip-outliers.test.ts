import { createPipeline, isDcError, listParams } from '@dc/core';
import { runStageContract, thrownErrorCode, tinyDenseModel } from '@dc/core/testing';
import { describe, expect, it } from 'vitest';
import { clipOutliers } from './clip-outliers.js';

runStageContract('example:clip-outliers', () => clipOutliers({ sigmas: 1.5 }), () => ({ model: tinyDenseModel() }));

describe('clipOutliers, a stage written against the public API', () => {
  it('runs in a pipeline and clips every kernel into its range', async () => {
    const model = tinyDenseModel(2);
    const { model: out, artifacts, report } = await createPipeline().use(clipOutliers({ sigmas: 1 })).run(model);
    const ranges = artifacts['example/clip-ranges']!;
    for (const ref of listParams(out).filter((p) => p.param === 'kernel')) {
      const { low, high, clipped } = ranges.get(ref.key)!;
      expect(clipped).toBeGreaterThan(0);
      for (const v of ref.tensor.values) {
        expect(v).toBeGreaterThanOrEqual(low);
        expect(v).toBeLessThanOrEqual(high);
      }
    }
    expect(report.stages[0].metrics.clipped).toBe([...ranges.values()].reduce((n, r) => n + r.clipped, 0));
    // Biases are untouched.
    expect(out.layers[0].params.bias).toBe(model.layers[0].params.bias);
  });

  it('rejects a bad option with a DcError naming it', () => {
    const error = (() => {
      try {
        clipOutliers({ sigmas: -1 });
      } catch (e) {
        return e;
      }
    })();
    expect(isDcError(error) && error.code).toBe('INVALID_OPTION');
    expect(isDcError(error) && error.option).toBe('sigmas');
    expect(thrownErrorCode(() => clipOutliers({ sigma: 2 } as never))).toBe('INVALID_OPTION');
    expect(thrownErrorCode(() => clipOutliers({ sigmas: '2' } as never))).toBe('INVALID_OPTION');
  });
});
