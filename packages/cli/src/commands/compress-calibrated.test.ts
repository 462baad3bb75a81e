import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeContainer, densify, describeContainer } from '@dc/core';
import { huffmanDecoder } from '@dc/huffman';
import { decodeGraphModel } from '@dc/graph-model';
import { ransDecoder } from '@dc/rans';
import { dump } from 'npyjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dc, dcJson } from '../run-dc.test-support.js';
import { JITTER_DRAWS } from '../no-retrain/calibration.js';
import { savedConvNet, writePngs } from './conv-fixture.test-support.js';

describe('dc compress --no-retrain --calibration', () => {
  let dir: string;
  let modelJson: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dc-calibrated-'));
    modelJson = await savedConvNet(join(dir, 'model'));
    writePngs(join(dir, 'calibration'), 6, 7);
    const test = Float32Array.from({ length: 5 * 16 * 16 * 3 }, (_, i) => ((i * 7919) % 256) / 255);
    writeFileSync(join(dir, 'test.npy'), Buffer.from(dump(test, [5, 16, 16, 3])));
    writeFileSync(join(dir, 'wrong.npy'), Buffer.from(dump(new Float32Array(4 * 28 * 28), [4, 28, 28, 1])));
  }, 60_000);

  it('plans sparsity and bits on photographs, writes the file and measures its fidelity by running it', async () => {
    const out = join(dir, 'model.dcm');
    const { result } = await dcJson('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration'), '--test-data', join(dir, 'test.npy'), '-o', out);
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(result.originalBytes).toBe(4 * (3 * 3 * 3 * 16 + 16 + 16 * 16 * 16 * 6 + 6));
    expect(result.compressionRatio).toBeGreaterThan(2);
    expect(result.calibrationSamples).toBe(6);
    expect(result.warnings).toEqual([expect.stringMatching(/^only 6 calibration samples: the plan is verified on them alone/)]);
    expect(result.plan.kinds).toEqual(['classifier']);
    expect(Object.keys(result.plan.allocation)).toEqual(['conv/kernel', 'head/kernel']);
    // The written file, run by the sparse runtime, agrees with the original on every calibration image.
    expect(result.calibrationFidelity.outputs[0].top1Agreement).toBe(1);
    // The planner verified the model as the file stores it (clustered as the pipeline does, float16 values): the same error, up to kernel arithmetic.
    expect(Math.abs(result.calibrationFidelity.outputs[0].relativeError - result.plan.fidelity.outputs[0].relativeError)).toBeLessThan(1e-5);
    expect(result.calibrationFidelity.withinBudget).toBe(true);
    // The planner prices kernels as the file stores them (float16 floats and codebooks here).
    const kernels = describeContainer(new Uint8Array(readFileSync(out))).tensors.filter((t) => t.key in result.plan.allocation);
    const written = kernels.reduce((a, t) => a + t.bytes, 0);
    expect(kernels).toHaveLength(2);
    expect(Math.abs(result.plan.predictedBytes / written - 1)).toBeLessThan(0.01);
    expect(result.testSamples).toBe(5);
    expect(result.testFidelity.outputs[0].relativeError).toBeLessThan(0.2);
    // Photographs come with jittered copies: one more reference run per draw, the original's own drift reported.
    expect(result.plan.evaluations.reference).toBe(1 + JITTER_DRAWS);
    expect(result.plan.jitterFidelity.outputs[0]).toMatchObject({ kind: 'classifier', top1Agreement: expect.any(Number) });
    expect(result.plan.reasons[1]).toMatch(/^the original on the calibration jittered by one grey level/);
    // A .npy has no grey level: every test sample judged.
    expect(result.testFidelity.outputs[0].unjudged).toBeUndefined();
    // dc run --reference makes the same comparison on the same test inputs.
    const run = await dc('run', out, '--reference', modelJson, '--data', join(dir, 'test.npy'), '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ format: 'layers-model', samples: 5, pixels: null, fidelity: result.testFidelity });
    // dc run on photographs scales them as the plan read them (byte / 255, the file recording no scaling), a .npy as given.
    const onPhotos = (await dcJson('run', out, '--data', join(dir, 'calibration'))).result;
    expect(onPhotos.preprocessing).toEqual({ scale: [1 / 255], offset: [0] });
    expect(onPhotos.predicted).toEqual((await dcJson('run', out, '--data', join(dir, 'calibration'), '--input-scale', String(1 / 255))).result.predicted);
    expect((await dcJson('run', out, '--data', join(dir, 'test.npy'))).result.preprocessing).toBeNull();
    // --judge-unstable: no jittered runs, nothing left unjudged.
    const strict = await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration'), '--judge-unstable', '-o', join(dir, 'strict.dcm'), '--json');
    expect(strict.code, strict.stderr).toBe(0);
    expect(JSON.parse(strict.stdout).plan).toMatchObject({ jitterFidelity: null, evaluations: { reference: 1 } });
  }, 60_000);

  it('--target-ratio: a file of at most the float32 bytes over the ratio, its fidelity measured and reported', async () => {
    const out = join(dir, 'ratio.dcm');
    // On the first 4 of the 6 photographs (--calibration-limit).
    const r = await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration'), '--calibration-limit', '4', '--target-ratio', '6', '-o', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.calibrationSamples).toBe(4);
    expect(r.stderr).toMatch(/planning per-tensor sparsity and bits on 4 calibration samples/);
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(result.fileBytes).toBeLessThanOrEqual(Math.round(result.originalBytes / 6));
    expect(result.compressionRatio).toBeGreaterThanOrEqual(6);
    expect(Math.abs(result.calibrationFidelity.outputs[0].relativeError - result.plan.fidelity.outputs[0].relativeError)).toBeLessThan(1e-5);
    expect(r.stderr).toMatch(/size target [\d,]+ B \(6\.0× the float32 weights\)/);
    // A budget on retrained accuracy does not apply here.
    const refused = await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration'), '--max-error-increase', '0.5', '-o', join(dir, 'never.dcm'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/INVALID_OPTION[\s\S]*--max-output-drift/);
    expect(existsSync(join(dir, 'never.dcm'))).toBe(false);
  }, 60_000);

  it('rejects calibration inputs of the wrong shape before any planning, writing nothing', async () => {
    const out = join(dir, 'wrong.dcm');
    const t0 = performance.now();
    const r = await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'wrong.npy'), '-o', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('DATA_MISMATCH');
    expect(r.stderr).toContain('[n, 16, 16, 3]');
    expect(existsSync(out)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  it("writes each compressed kernel's bias corrected for the mean shift; --no-bias-correction keeps the biases as trained", async () => {
    const biases = async (...flags: string[]) => {
      const out = join(dir, `bias${flags.length}.dcm`);
      const r = await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration'), '-o', out, '--json', ...flags);
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.calibrationFidelity.withinBudget).toBe(true);
      const m = decodeContainer(new Uint8Array(readFileSync(out)), { decoders: [huffmanDecoder, ransDecoder] });
      const coded = Object.entries(result.plan.allocation as Record<string, { sparsity: number; bits: number | null }>).filter(([, a]) => a.bits !== null || a.sparsity > 0).map(([k]) => k);
      return { coded, biases: new Map(['conv/bias', 'head/bias'].map((k) => [k, Array.from(densify(m.tensors.get(k)!))])) };
    };
    // The model's biases are zeros as initialised: corrected ones move, others stay 0.
    const plain = await biases('--no-bias-correction');
    for (const values of plain.biases.values()) expect(values.every((v) => v === 0)).toBe(true);
    const corrected = await biases();
    expect(corrected.coded.length).toBeGreaterThan(0);
    for (const kernel of corrected.coded) expect(corrected.biases.get(kernel.replace('/kernel', '/bias'))!.some((v) => v !== 0)).toBe(true);
  }, 60_000);

  it('--input-scale and --input-offset: photographs as byte × scale + offset (a model trained on [-1, 1]), recorded in the file; dc run --reference with the same flags, or none (the record in the file), compares on the same inputs', async () => {
    const out = join(dir, 'signed.dcm');
    const signed = ['--input-scale', String(2 / 255), '--input-offset', '-1'];
    const r = await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration'), '-o', out, '--json', ...signed);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    const recorded = (await dcJson('inspect', out)).result.preprocessing;
    expect(recorded.offset).toEqual([-1]);
    expect(recorded.scale[0]).toBeCloseTo(2 / 255, 7);
    const against = async (...flags: string[]) => (await dcJson('run', out, '--reference', modelJson, '--data', join(dir, 'calibration'), ...flags)).result;
    const given = await against(...signed);
    expect(given.fidelity).toEqual(result.calibrationFidelity);
    expect(given.pixels).toEqual({ scale: [2 / 255], offset: [-1], source: 'flags' });
    // Without the flags, dc run --reference takes the file's record: the same inputs (up to the record's float32 scale).
    const fromFile = await against();
    expect(fromFile.pixels).toMatchObject({ offset: [-1], source: 'file' });
    expect(fromFile.pixels.scale[0]).toBeCloseTo(2 / 255, 7);
    expect(fromFile.fidelity.outputs[0].top1Agreement).toBe(result.calibrationFidelity.outputs[0].top1Agreement);
    expect(fromFile.fidelity.outputs[0].relativeError).toBeCloseTo(result.calibrationFidelity.outputs[0].relativeError, 5);
    // The same photographs in [0, 1] are other inputs: another comparison.
    const unit = await against('--input-scale', String(1 / 255));
    expect(unit.pixels).toMatchObject({ offset: [0], source: 'flags' });
    expect(unit.fidelity.outputs[0].relativeError).not.toBeCloseTo(result.calibrationFidelity.outputs[0].relativeError, 5);
  }, 60_000);

  it('per-channel --input-scale / --input-offset (ImageNet mean and std): recorded per channel, applied by dc run --reference from the record; a count that is not the channels fails first', async () => {
    const out = join(dir, 'imagenet.dcm');
    const scale = [1 / (0.229 * 255), 1 / (0.224 * 255), 1 / (0.225 * 255)];
    const offset = [-0.485 / 0.229, -0.456 / 0.224, -0.406 / 0.225];
    const flags = ['--input-scale', scale.join(','), '--input-offset', offset.join(',')];
    const r = await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration'), '-o', out, '--json', ...flags);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    const recorded = (await dcJson('inspect', out)).result.preprocessing;
    recorded.scale.forEach((v: number, c: number) => expect(v).toBeCloseTo(scale[c], 7));
    recorded.offset.forEach((v: number, c: number) => expect(v).toBeCloseTo(offset[c], 6));
    const run = (await dcJson('run', out, '--reference', modelJson, '--data', join(dir, 'calibration'))).result;
    expect(run.pixels.source).toBe('file');
    expect(run.pixels.scale).toHaveLength(3);
    expect(run.fidelity.outputs[0].top1Agreement).toBe(result.calibrationFidelity.outputs[0].top1Agreement);
    expect(run.fidelity.outputs[0].relativeError).toBeCloseTo(result.calibrationFidelity.outputs[0].relativeError, 4);
    const wrong = await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration'), '-o', join(dir, 'wrong.dcm'), '--input-scale', '0.5,0.5', '--input-offset', '0,0');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('INVALID_OPTION');
    expect(wrong.stderr).toContain('has 3 channel(s)');
    expect(existsSync(join(dir, 'wrong.dcm'))).toBe(false);
  }, 60_000);

  it('--error-feedback codes the kernels by their layers\' input moments (a dc:error-feedback stage in the provenance), the file running as the planner verified; kept as given, too', async () => {
    const out = join(dir, 'fed.dcm');
    const { result } = await dcJson('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration'), '--error-feedback', '-o', out);
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(Math.abs(result.calibrationFidelity.outputs[0].relativeError - result.plan.fidelity.outputs[0].relativeError)).toBeLessThan(1e-5);
    const stages = decodeContainer(new Uint8Array(readFileSync(out)), { decoders: [huffmanDecoder, ransDecoder] }).stages;
    expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(['dc:cluster', 'dc:error-feedback']));
    // The convolution's 27 inputs take feedback, and so do the dense head's 4,096: over 2,048, in diagonal blocks of its moments.
    expect(stages.find((s) => s.name === 'dc:error-feedback')!.options).toEqual({ tensors: ['conv/kernel', 'head/kernel'] });
    // Kept as given (its model.json in the file), the convolution is coded by feedback as a GraphModel's weight is.
    const asGiven = join(dir, 'fed-as-given.dcm');
    const { result: kept } = await dcJson('compress', modelJson, '--no-retrain', '--keep-topology', '--calibration', join(dir, 'calibration'), '--error-feedback', '-o', asGiven);
    expect(kept.format).toBe('layers-model-as-given');
    expect(Math.abs(kept.calibrationFidelity.outputs[0].relativeError - kept.plan.fidelity.outputs[0].relativeError)).toBeLessThan(1e-5);
    const compress = decodeGraphModel(new Uint8Array(readFileSync(asGiven))).stages.find((s) => s.name === 'dc:graph-compress')!;
    expect(compress.options).toHaveProperty('errorFeedback');
  }, 60_000);

  it('needs --no-retrain', async () => {
    const r = await dc('compress', modelJson, '--calibration', join(dir, 'calibration'), '-o', join(dir, 'x.dcm'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('INVALID_OPTION');
  });
});
