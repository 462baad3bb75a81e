import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dump } from 'npyjs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { graphTensorValues } from '@dc/core';
import { decodeGraphModel } from '@dc/graph-model';
import { writeGraphModelFixture } from '@dc/graph-model/testing';
import { dc, dcJson } from '../run-dc.test-support.js';
import { CAUTIOUS_FINE_BITS } from '../no-retrain/cautious-bits.js';
import { mostValuesInAChannel } from './channel-values.test-support.js';

describe('dc compress / inspect / run on a tfjs GraphModel', () => {
  it('compresses a graph-model model.json post-training with the flags, and the file holds what it reports', async () => {
    const model = await writeGraphModelFixture();
    const out = join(dirname(model), 'fixture.dcm');
    const { result } = await dcJson('compress', model, '--no-retrain', '--sparsity', '*=0.6,model/dw/weights=0.25', '--bits', '5', '-o', out);
    expect(result).toMatchObject({ format: 'graph-model', weights: 7, compressedWeights: 3, parameters: 432 + 16 + 144 + 2 + 2 + 640 + 40 });
    const bytes = readFileSync(out);
    expect(result.fileBytes).toBe(bytes.length);
    expect(result.compressionRatio).toBeCloseTo((result.parameters * 4) / bytes.length, 10);
    // Fixed flags never ran the model: the result says so, and says how to measure.
    expect(result.warnings).toEqual([expect.stringMatching(/^fidelity not measured: .* dc run <file> --reference <model\.json> --data <inputs>, or give --calibration <inputs>/)]);
    const allocated = Object.fromEntries(result.tensors.filter((t: { allocation: unknown }) => t.allocation).map((t: { name: string; allocation: unknown }) => [t.name, t.allocation]));
    // Each coded with per-channel scales along its op's output channels (the depthwise one: channels × multiplier).
    expect(allocated).toEqual({ 'model/conv/weights': { sparsity: 0.6, bits: 5, channels: 16 }, 'model/dw/weights': { sparsity: 0.25, bits: 5, channels: 16 }, 'model/fc/weights': { sparsity: 0.6, bits: 5, channels: 40 } });
    const fc = decodeGraphModel(bytes).tensors.find((t) => t.name === 'model/fc/weights')!;
    const values = graphTensorValues(fc);
    expect(values.filter((v) => v === 0).length).toBe(384);
    expect(mostValuesInAChannel(values, 40)).toBeLessThanOrEqual(32);
    expect(new Set(values.filter((v) => v !== 0)).size).toBeGreaterThan(32);

    const inspected = (await dcJson('inspect', out)).result;
    expect(inspected.format).toBe('graph-model');
    expect(inspected.weights.map((w: { name: string }) => w.name)).toEqual(['model/conv/weights', 'model/conv/bias', 'model/dw/weights', 'model/pool/axes', 'model/flatten/shape', 'model/fc/weights', 'model/fc/bias']);
    expect(inspected.weights[5]).toMatchObject({ dtype: 'float32', elements: 640, kept: 256, bits: 5 });
    expect(inspected.weights[3]).toMatchObject({ dtype: 'int32', layout: 'dense', bits: null, bytes: 8 });
    const d = inspected.sections;
    expect(inspected.weights.reduce((n: number, w: { bytes: number }) => n + w.bytes, 0) + d.totals.header + d.totals.padding).toBe(bytes.length);
    const text = (await dc('inspect', out)).stdout;
    expect(text).toContain('model/fc/weights');
    expect(text).toContain(`tfjs GraphModel (format version ${bytes[8]}),`);
    // Its header is JSON (GraphModel versions 4-6), not the compact header of versions 3 and 7.
    expect(text).toMatch(new RegExp(`header +deflated JSON \\(\\d+ B inflated\\) \\+ 32 B preamble, format v${bytes[8]}`));
    expect(inspected.sections.version).toBe(bytes[8]);

    const run = (await dcJson('run', out)).result;
    expect(run).toMatchObject({ format: 'graph-model', synthetic: true, samples: 1, backend: 'cpu' });
    expect(run.outputs).toHaveLength(1);
    expect(run.outputs[0]).toMatchObject({ shape: [1, 40], nonFinite: 0 });
    expect(run.outputs[0].mean).toBeCloseTo(1 / 40, 6); // softmax rows sum to 1
    const x = join(dirname(model), 'x.npy');
    writeFileSync(x, Buffer.from(dump(Float32Array.from({ length: 3 * 8 * 8 * 3 }, (_, i) => (i % 7) / 7), [3, 8, 8, 3])));
    const onData = (await dcJson('run', out, '--data', x, '--backend', 'tfjs')).result;
    expect(onData).toMatchObject({ synthetic: false, samples: 3, backend: 'wasm' });
    expect(onData.outputs[0].shape).toEqual([3, 40]);
    const limited = (await dcJson('run', out, '--data', x, '--limit', '2')).result;
    expect(limited).toMatchObject({ synthetic: false, samples: 2 });
    expect(limited.outputs[0].shape).toEqual([2, 40]);
    // A folder of photographs, read as --reference and --calibration read it (resized to 8×8).
    const photos = join(dirname(model), 'photos');
    mkdirSync(photos, { recursive: true });
    for (const [k, grey] of [64, 192].entries()) {
      const png = new PNG({ width: 12, height: 10 });
      png.data.fill(grey);
      writeFileSync(join(photos, `p${k}.png`), PNG.sync.write(png));
    }
    const onPhotos = (await dcJson('run', out, '--data', photos)).result;
    expect(onPhotos).toMatchObject({ synthetic: false, samples: 2 });
    expect(onPhotos.outputs[0]).toMatchObject({ shape: [2, 40], nonFinite: 0 });
    expect(onPhotos.outputs[0].mean).toBeCloseTo(1 / 40, 6);
    // Rows of class probabilities: how often each class is a sample's top one (both samples: one grey photograph each).
    expect(onPhotos.outputs[0].topClassCounts).toHaveLength(40);
    expect(onPhotos.outputs[0].topClassCounts.reduce((a: number, b: number) => a + b, 0)).toBe(2);
    expect((await dc('run', out, '--data', photos)).stdout).toMatch(/; top class counts, class 0 to 39: (\d+ ){39}\d+\n/);
    expect(onPhotos.pixels).toBeNull();
    // One photograph is a set of one: what the folder gave it.
    const onOne = (await dcJson('run', out, '--data', join(photos, 'p1.png'))).result;
    expect(onOne).toMatchObject({ synthetic: false, samples: 1 });
    const alone = join(dirname(model), 'alone');
    mkdirSync(alone);
    writeFileSync(join(alone, 'p1.png'), readFileSync(join(photos, 'p1.png')));
    expect(onOne.outputs).toEqual((await dcJson('run', out, '--data', alone)).result.outputs);
    expect((await dc('run', out, '--data', join(photos, 'p1.png'))).stdout).toMatch(/ run on 1 sample \(tfjs cpu, \d+ ms\)/);
    expect(inspected.preprocessing).toBeNull();
    // --input-scale / --input-offset are recorded (the same weights: the graph is unchanged), and dc run applies the record to photographs.
    const signed = join(dirname(model), 'signed.dcm');
    const signedRun = await dc('compress', model, '--no-retrain', '--sparsity', '*=0.6,model/dw/weights=0.25', '--bits', '5', '-o', signed, '--input-scale', String(2 / 255), '--input-offset', '-1');
    expect([signedRun.code, signedRun.stdout]).toEqual([0, expect.stringMatching(/\nwarning: fidelity not measured: .* within a fidelity budget[^\n]*\n\d+\.\d s wall/)]);
    expect(decodeGraphModel(readFileSync(signed)).tensors.map((t) => Array.from(graphTensorValues(t)))).toEqual(decodeGraphModel(bytes).tensors.map((t) => Array.from(graphTensorValues(t))));
    expect((await dcJson('inspect', signed)).result.preprocessing).toEqual({ scale: [2 / 255], offset: [-1] });
    expect((await dc('inspect', signed)).stdout).toContain(`preprocessing: x = raw × [${2 / 255}] + [-1]`);
    const onSigned = (await dcJson('run', signed, '--data', photos)).result;
    expect(onSigned.pixels).toEqual({ scale: [2 / 255], offset: [-1], source: 'file' });
    const signedByFlags = (await dcJson('run', out, '--data', photos, '--input-scale', String(2 / 255), '--input-offset', '-1')).result;
    expect(onSigned.outputs).toEqual(signedByFlags.outputs);
    expect(onSigned.outputs).not.toEqual(onPhotos.outputs);
  });

  it('without --sparsity and --bits prunes nothing and codes each eligible weight with per-channel scales (these small kernels on a finer grid than 8 bits): its outputs stay where pruning half to 6 bits (the defaults before) moved them', async () => {
    const model = await writeGraphModelFixture();
    const dir = dirname(model);
    const x = join(dir, 'defaults-x.npy');
    writeFileSync(x, Buffer.from(dump(Float32Array.from({ length: 16 * 8 * 8 * 3 }, (_, i) => Math.sin(0.37 * i)), [16, 8, 8, 3])));
    const out = join(dir, 'defaults.dcm');
    const { result } = await dcJson('compress', model, '--no-retrain', '-o', out);
    const coded = result.tensors.filter((t: { allocation: unknown }) => t.allocation);
    // 432 and 640 weights: 256 learned centroids would cost more than their codes (see cautious-bits.test.ts).
    expect(Object.fromEntries(coded.map((t: { name: string; allocation: unknown }) => [t.name, t.allocation]))).toEqual({
      'model/conv/weights': { sparsity: 0, bits: expect.toSatisfy((b: number) => CAUTIOUS_FINE_BITS.includes(b)), channels: 16 },
      'model/fc/weights': { sparsity: 0, bits: expect.toSatisfy((b: number) => CAUTIOUS_FINE_BITS.includes(b)), channels: 40 },
    });
    // Nothing pruned: only a weight below half its channel's grid step is coded 0 (2 of the conv's 432).
    for (const t of coded) expect(t.kept).toBeGreaterThanOrEqual(t.elements * 0.99);
    expect(result.warnings).toEqual([expect.stringMatching(/default 0 and 8 for every weight of 256 elements or more/)]);
    const judged = (await dcJson('run', out, '--reference', model, '--data', x)).result.fidelity.outputs[0];
    const old = join(dir, 'old-defaults.dcm');
    await dcJson('compress', model, '--no-retrain', '--sparsity', '0.5', '--bits', '6', '-o', old);
    const before = (await dcJson('run', old, '--reference', model, '--data', x)).result.fidelity.outputs[0];
    expect(judged).toMatchObject({ kind: 'classifier', top1Agreement: 1, withinBudget: true });
    expect(judged.relativeError).toBeLessThan(before.relativeError / 4);
  });

  it('runs a model whose batch extent is fixed at 1 sample by sample, to the outputs of the batched run', async () => {
    const runOn = async (fixedBatch: boolean) => {
      const model = await writeGraphModelFixture((json) => fixedBatch && Object.assign(json, JSON.parse(JSON.stringify(json).replaceAll('{"size":"-1"}', '{"size":"1"}'))));
      const out = join(dirname(model), 'fixture.dcm');
      expect((await dc('compress', model, '--no-retrain', '--bits', '5', '-o', out)).code).toBe(0);
      const x = join(dirname(model), 'x.npy');
      writeFileSync(x, Buffer.from(dump(Float32Array.from({ length: 3 * 8 * 8 * 3 }, (_, i) => (i % 11) / 11), [3, 8, 8, 3])));
      return (await dcJson('run', out, '--data', x)).result;
    };
    const [single, batched] = [await runOn(true), await runOn(false)];
    expect(single.inputs[0].shape).toEqual([1, 8, 8, 3]);
    expect(single).toMatchObject({ samples: 3, synthetic: false });
    expect(single.outputs[0].shape).toEqual([3, 40]);
    for (const stat of ['min', 'max', 'mean', 'std']) expect(single.outputs[0][stat]).toBeCloseTo(batched.outputs[0][stat], 6);
  });

  it('refuses a GraphModel without --no-retrain, and inputs of the wrong shape, with a code and a hint', async () => {
    const model = await writeGraphModelFixture();
    const out = join(dirname(model), 'fixture.dcm');
    const retrain = await dc('compress', model, '-o', out);
    expect(retrain.code).toBe(1);
    expect(retrain.stderr).toMatch(/INVALID_OPTION[\s\S]*hint: Add --no-retrain/);
    expect((await dc('compress', model, '--no-retrain', '-o', out)).code).toBe(0);
    const x = join(dirname(model), 'x.npy');
    writeFileSync(x, Buffer.from(dump(new Float32Array(2 * 10), [2, 10])));
    const wrong = await dc('run', out, '--data', x);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/DATA_MISMATCH[\s\S]*hint:/);
    const layers = new URL('../../../../apps/demo/compressed/lenet-5.dcm', import.meta.url).pathname;
    const noData = await dc('run', layers);
    expect(noData.code).toBe(1);
    expect(noData.stderr).toMatch(/INVALID_OPTION[\s\S]*--data/);
  });
});
