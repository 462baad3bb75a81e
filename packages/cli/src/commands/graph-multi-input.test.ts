/**
 * A GraphModel of two inputs (`y = x · W + z`: a projection plus a residual fed from outside)
 * compressed post-training from one calibration source per input, and run from one `--data`
 * source per input.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom } from '@dc/core';
import { dump } from 'npyjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dcJson } from '../run-dc.test-support.js';

const [IN, OUT] = [128, 64];
const float = { type: 'DT_FLOAT' };
const placeholder = (name: string, n: number) => ({ name, op: 'Placeholder', attr: { dtype: float, shape: { shape: { dim: [{ size: '-1' }, { size: String(n) }] } } } });

/** Writes the model.json + weights.bin of `y = x · W + z` into `dir`. */
function writeTwoInputGraph(dir: string): string {
  const random = createRandom(5);
  const w = Float32Array.from({ length: IN * OUT }, () => random.next() - 0.5);
  const json = {
    format: 'graph-model',
    modelTopology: {
      node: [
        placeholder('x', IN),
        placeholder('z', OUT),
        { name: 'w', op: 'Const', attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: String(IN) }, { size: String(OUT) }] } } } } },
        { name: 'xw', op: 'MatMul', input: ['x', 'w'], attr: { T: float, transpose_a: { b: false }, transpose_b: { b: false } } },
        { name: 'y', op: 'AddV2', input: ['xw', 'z'], attr: { T: float } },
        { name: 'Identity', op: 'Identity', input: ['y'], attr: { T: float } },
      ],
      versions: { producer: 1 },
    },
    signature: { inputs: { x: { name: 'x:0' }, z: { name: 'z:0' } }, outputs: { y: { name: 'Identity:0' } } },
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [IN, OUT], dtype: 'float32' }] }],
  };
  writeFileSync(join(dir, 'weights.bin'), Buffer.from(w.buffer));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  return join(dir, 'model.json');
}

describe('a GraphModel of two inputs', () => {
  let dir: string;
  let modelJson: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dc-graph-two-inputs-'));
    modelJson = writeTwoInputGraph(dir);
    const random = createRandom(9);
    const values = (n: number) => Float32Array.from({ length: n }, () => random.next());
    writeFileSync(join(dir, 'x.npy'), Buffer.from(dump(values(40 * IN), [40, IN])));
    writeFileSync(join(dir, 'z.npy'), Buffer.from(dump(values(40 * OUT), [40, OUT])));
  });

  it('compresses within the budget from x.npy,z.npy and runs from the same list', async () => {
    const out = join(dir, 'two.dcm');
    const sources = `${join(dir, 'x.npy')},${join(dir, 'z.npy')}`;
    const { result } = await dcJson('compress', modelJson, '--no-retrain', '--calibration', sources, '-o', out);
    expect(result).toMatchObject({ format: 'graph-model', calibrationSamples: 40, fileBytes: statSync(out).size, calibrationFidelity: { withinBudget: true } });
    expect(result.compressionRatio).toBeGreaterThan(2);
    expect(Object.keys(result.plan.allocation)).toEqual(['w']);
    const { result: run } = await dcJson('run', out, '--data', sources);
    expect(run).toMatchObject({ format: 'graph-model', samples: 40, inputs: [{ name: 'x' }, { name: 'z' }], outputs: [{ shape: [40, OUT] }] });
    const { result: reference } = await dcJson('run', out, '--reference', modelJson, '--data', sources);
    expect(reference.fidelity).toEqual(result.calibrationFidelity);
    // The first 10 samples of each source, file and reference alike.
    const { result: first } = await dcJson('run', out, '--reference', modelJson, '--data', sources, '--limit', '10');
    expect(first.samples).toBe(10);
    const { result: firstRun } = await dcJson('run', out, '--data', sources, '--limit', '10');
    expect(firstRun).toMatchObject({ samples: 10, outputs: [{ shape: [10, OUT] }] });
  }, 60_000);
});
