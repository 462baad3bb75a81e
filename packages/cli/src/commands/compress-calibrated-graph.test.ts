import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGraphModelFixture as writeFixture } from '@dc/graph-model/testing';
import { dump } from 'npyjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dc } from '../run-dc.test-support.js';

/** `n` seeded inputs [n, 8, 8, 3] in [0, 1]. */
function inputs(n: number, seed: number): Buffer {
  let s = seed;
  const x = Float32Array.from({ length: n * 8 * 8 * 3 }, () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Buffer.from(dump(x, [n, 8, 8, 3]));
}

describe('dc compress --no-retrain --calibration on a GraphModel', () => {
  let dir: string;
  let modelJson: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dc-calibrated-graph-'));
    modelJson = await writeFixture();
    writeFileSync(join(dir, 'calibration.npy'), inputs(6, 1));
    writeFileSync(join(dir, 'test.npy'), inputs(4, 2));
    writeFileSync(join(dir, 'wrong.npy'), Buffer.from(dump(new Float32Array(2 * 8 * 8), [2, 8, 8, 1])));
  });

  it('plans its eligible weights, writes a .dcm that decodes to exactly what the planner verified', async () => {
    const out = join(dir, 'model.dcm');
    const r = await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration.npy'), '--test-data', join(dir, 'test.npy'), '-o', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.format).toBe('graph-model');
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(result.originalBytes).toBe(4 * (432 + 16 + 144 + 2 + 2 + 640 + 40));
    // Eligible: the float32 weights of ≥ 256 elements (@dc/graph-model's isEligible).
    expect(Object.keys(result.plan.allocation).sort()).toEqual(['model/conv/weights', 'model/fc/weights']);
    expect(result.plan.kinds).toEqual(['classifier']);
    // The file, loaded by tf.loadGraphModel through the .dcm handler, gives the very outputs the planner measured.
    expect(result.calibrationFidelity).toEqual(result.plan.fidelity);
    expect(result.calibrationFidelity.withinBudget).toBe(true);
    expect(result.testSamples).toBe(4);
    expect(result.testFidelity.outputs[0].top1Agreement).toBeGreaterThanOrEqual(0.75);
  }, 60_000);

  it('rejects calibration inputs that do not fit the graph input before any planning', async () => {
    const r = await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'wrong.npy'), '-o', join(dir, 'wrong.dcm'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('DATA_MISMATCH');
    expect(r.stderr).toContain('[n, 8, 8, 3]');
  });
});

describe('dc run --reference', () => {
  it('reports the fidelity of a GraphModel .dcm to its original, output by output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-run-reference-'));
    const modelJson = await writeFixture();
    writeFileSync(join(dir, 'calibration.npy'), inputs(6, 1));
    writeFileSync(join(dir, 'test.npy'), inputs(4, 2));
    const out = join(dir, 'model.dcm');
    const made = await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration.npy'), '--test-data', join(dir, 'test.npy'), '-o', out, '--json');
    expect(made.code, made.stderr).toBe(0);
    const r = await dc('run', out, '--reference', modelJson, '--data', join(dir, 'test.npy'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ format: 'graph-model', samples: 4 });
    // The same comparison dc compress made on the same test inputs.
    expect(result.fidelity).toEqual(JSON.parse(made.stdout).testFidelity);
  }, 60_000);
});
