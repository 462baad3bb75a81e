import { statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dump } from 'npyjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dcJson } from '../run-dc.test-support.js';
import { writeNmsDetectorFixture } from './nms-detector-fixture.test-support.js';

/** `n` seeded images [n, 8, 8, 3] in [0, 1]. */
function images(n: number, seed: number): Buffer {
  let s = seed;
  return Buffer.from(dump(Float32Array.from({ length: n * 8 * 8 * 3 }, () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31), [n, 8, 8, 3]));
}

describe('dc compress --no-retrain on a detector with non-max suppression in its graph', () => {
  let model: string;
  beforeAll(async () => {
    model = await writeNmsDetectorFixture();
    writeFileSync(join(dirname(model), 'calibration.npy'), images(8, 1));
    writeFileSync(join(dirname(model), 'test.npy'), images(4, 2));
  });

  it('recognises the list and its class ids, judges its detections matched by IoU, and writes a file that gives the outputs it verified', async () => {
    const out = join(dirname(model), 'detector.dcm');
    const calibration = join(dirname(model), 'calibration.npy');
    const { result, stderr } = await dcJson('compress', model, '--no-retrain', '--calibration', calibration, '--test-data', join(dirname(model), 'test.npy'), '-o', out);
    // The class ids beside them, whole numbers, are recognised too: each matched detection must keep its class.
    expect(result.plan.kinds).toEqual(['nms-boxes', 'nms-scores', 'nms-classes']);
    expect(result.outputNames).toEqual(['boxes', 'scores', 'classes']);
    expect(stderr).toMatch(/outputs, in the order --output-kinds lists them: 0 boxes, 1 scores, 2 classes\n/);
    expect(stderr).toMatch(/outputs judged as nms-boxes, nms-scores, nms-classes; budget: score changes ≤ 0\.02, box IoU ≥ 0\.98, detections keeping their class ≥ 0\.99/);
    // Each of the 8 calibration images lists 8 detections, all shown (score ≥ 0.3): 64 judged one by one.
    const boxes = result.calibrationFidelity.outputs[0];
    expect(boxes).toMatchObject({ kind: 'nms-boxes', detectionsShown: 64, classAgreement: 1 });
    expect(result.calibrationFidelity.outputs[2]).toMatchObject({ kind: 'nms-classes', withinBudget: true });
    expect(boxes.iou).toBeGreaterThanOrEqual(0.98);
    expect(boxes.scoreChange).toBeLessThanOrEqual(0.02);
    // tfjs running the written file gives exactly the outputs the planner verified.
    expect(result.calibrationFidelity).toEqual(result.plan.fidelity);
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(result.fileBytes).toBeLessThan(result.originalBytes);
    // dc run counts the detections each image shows, on the scores.
    const run = (await dcJson('run', out, '--data', calibration)).result;
    expect(run.outputs[1].detectionsShown).toEqual([8, 8, 8, 8, 8, 8, 8, 8]);
  }, 120_000);

  it('--output-kinds nms-boxes,nms-scores,ignore: kinds said are kept, the class ids left unjudged', async () => {
    const out = join(dirname(model), 'no-classes.dcm');
    const { result, stderr } = await dcJson('compress', model, '--no-retrain', '--calibration', join(dirname(model), 'calibration.npy'), '--output-kinds', 'nms-boxes,nms-scores,ignore', '-o', out);
    expect(result.plan.kinds).toEqual(['nms-boxes', 'nms-scores', 'ignore']);
    expect(stderr).toMatch(/budget: score changes ≤ 0\.02, box IoU ≥ 0\.98\n/);
    expect(result.calibrationFidelity.outputs[0]).toMatchObject({ kind: 'nms-boxes', detectionsShown: 64, withinBudget: true });
    expect(result.calibrationFidelity.outputs[0].classAgreement).toBeUndefined();
    expect(result.calibrationFidelity).toEqual(result.plan.fidelity);
  }, 120_000);
});
