import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphTensorValues } from '@dc/core';
import { decodeGraphModel, loadGraphModelArtifacts } from '@dc/graph-model';
import { writeGraphModelFixture as writeFixture } from '@dc/graph-model/testing';
import { dump } from 'npyjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dc, dcJson } from '../run-dc.test-support.js';
import { writePngs } from './conv-fixture.test-support.js';

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
    const { result } = await dcJson('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration.npy'), '--test-data', join(dir, 'test.npy'), '-o', out);
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
    // The fixture's random weights give a near-uniform softmax over 40 classes, whose argmax flips at
    // a 1% change: on the 4 test inputs the error is what generalizes, top-1 agreement is a count.
    expect(result.testFidelity.outputs[0].relativeError).toBeLessThan(0.02);
    expect([0, 0.25, 0.5, 0.75, 1]).toContain(result.testFidelity.outputs[0].top1Agreement);
  }, 60_000);

  it('--target-bytes: a file of at most that many bytes, decoding to exactly what the planner verified; a target below the smallest file gives the smallest, said so', async () => {
    const budgeted = (await dcJson('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration.npy'), '-o', join(dir, 'budgeted.dcm'))).result;
    const sized = async (target: number) => {
      const out = join(dir, `sized-${target}.dcm`);
      const { result } = await dcJson('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration.npy'), '--target-bytes', String(target), '-o', out);
      expect(result.fileBytes).toBe(statSync(out).size);
      expect(result.calibrationFidelity).toEqual(result.plan.fidelity);
      expect(result.plan.reasons.join('\n')).toMatch(new RegExp(`size target ${target.toLocaleString('en')} B`));
      return result;
    };
    // The fixture's topology and small tensors are most of its file: its budgeted size is a target it can meet.
    expect((await sized(budgeted.fileBytes)).fileBytes).toBeLessThanOrEqual(budgeted.fileBytes);
    const below = await sized(1000);
    expect(below.fileBytes).toBeGreaterThan(1000);
    expect(below.plan.reasons.join('\n')).toMatch(/the smallest allocation the candidates allow, [\d,]+ B \(.*\), over the target/);
    expect(Object.values(below.plan.allocation as Record<string, { bits: number | null }>).every((a) => a.bits !== null)).toBe(true);
  }, 60_000);

  it("stores each compressed weight's bias corrected, as the planner verified it; --no-bias-correction stores biases as given", async () => {
    const biases = (file: string) => {
      const m = decodeGraphModel(readFileSync(file));
      return new Map(m.tensors.filter((t) => t.name.endsWith('/bias')).map((t) => [t.name, Array.from(graphTensorValues(t))]));
    };
    const given = new Map((await loadGraphModelArtifacts(modelJson)).tensors.filter((t) => t.name.endsWith('/bias')).map((t) => [t.name, Array.from(t.values)]));
    const run = async (name: string, ...flags: string[]) => {
      const out = join(dir, name);
      const r = await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration.npy'), '-o', out, '--json', ...flags);
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      // Either way, the file run by tfjs gives exactly the outputs the planner verified.
      expect(result.calibrationFidelity).toEqual(result.plan.fidelity);
      return { biases: biases(out), changed: Object.entries(result.plan.allocation).filter(([, a]) => (a as { bits: number | null }).bits !== null || (a as { sparsity: number }).sparsity > 0).map(([k]) => k) };
    };
    const corrected = await run('corrected.dcm');
    const plain = await run('plain.dcm', '--no-bias-correction');
    expect(plain.biases).toEqual(given);
    expect(corrected.changed.length).toBeGreaterThan(0);
    for (const weight of corrected.changed) {
      const bias = weight.replace('/weights', '/bias');
      expect(corrected.biases.get(bias)).not.toEqual(given.get(bias));
    }
  }, 60_000);

  it('with --error-feedback, writes weights rounded with it (recorded in the provenance) that decode to exactly what the planner verified', async () => {
    const out = join(dir, 'fed.dcm');
    const r = await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration.npy'), '-o', out, '--json', '--error-feedback');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.calibrationFidelity).toEqual(result.plan.fidelity);
    const stage = decodeGraphModel(readFileSync(out)).stages.find((s) => s.name === 'dc:graph-compress')!;
    // Both planned weights have their op's moments (the fc's damped by its few rows): those the plan changes are rounded with them.
    const changed = Object.values(result.plan.allocation as Record<string, { bits: number | null; sparsity: number; float16?: boolean }>).filter((a) => a.bits !== null || a.sparsity > 0 || a.float16).length;
    expect(changed).toBeGreaterThan(0);
    expect(stage.options).toMatchObject({ errorFeedback: changed });
    const plain = decodeGraphModel(readFileSync(join(dir, 'model.dcm'))).stages.find((s) => s.name === 'dc:graph-compress')!;
    expect(plain.options).not.toHaveProperty('errorFeedback');
  }, 60_000);

  it('refuses --float32 and --no-fold-batch-norm, which set how dc\'s layer graph is written, before any planning', async () => {
    for (const flag of ['--float32', '--no-fold-batch-norm']) {
      const r = await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration.npy'), flag, '-o', join(dir, 'never.dcm'));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`INVALID_OPTION[\\s\\S]*${flag} sets how dc's layer graph is written, and this is a GraphModel`));
    }
  });

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
    const { result } = await dcJson('run', out, '--reference', modelJson, '--data', join(dir, 'test.npy'));
    expect(result).toMatchObject({ format: 'graph-model', samples: 4, pixels: null });
    // The same comparison dc compress made on the same test inputs.
    expect(result.fidelity).toEqual(JSON.parse(made.stdout).testFidelity);
  }, 60_000);

  it('--input-scale and --input-offset scale a .npy as raw values: the same as the array scaled beforehand, for dc run and dc run --reference; dc compress records them in the file, and both apply the record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-run-scaled-'));
    const modelJson = await writeFixture();
    writeFileSync(join(dir, 'calibration.npy'), inputs(6, 1));
    const raw = inputs(4, 2);
    writeFileSync(join(dir, 'raw.npy'), raw);
    const values = new Float32Array(raw.buffer.slice(raw.byteOffset + raw.length - 4 * 4 * 8 * 8 * 3, raw.byteOffset + raw.length));
    writeFileSync(join(dir, 'scaled.npy'), Buffer.from(dump(values.map((v) => v * 2 - 1), [4, 8, 8, 3])));
    const out = join(dir, 'model.dcm');
    expect((await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration.npy'), '-o', out)).code).toBe(0);
    const scale = ['--input-scale', '2', '--input-offset', '-1'];
    const outputs = async (...args: string[]) => {
      const r = await dc('run', out, '--json', ...args);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const given = await outputs('--data', join(dir, 'scaled.npy'));
    expect((await outputs('--data', join(dir, 'raw.npy'), ...scale)).outputs).toEqual(given.outputs);
    expect((await outputs('--data', join(dir, 'raw.npy'))).outputs).not.toEqual(given.outputs);
    const reference = await outputs('--reference', modelJson, '--data', join(dir, 'scaled.npy'));
    expect((await outputs('--reference', modelJson, '--data', join(dir, 'raw.npy'), ...scale)).fidelity).toEqual(reference.fidelity);
    // Compressed with the flags, the file records them; dc run and dc run --reference apply the record when given none.
    const recording = join(dir, 'recording.dcm');
    expect((await dc('compress', modelJson, '--no-retrain', '--calibration', join(dir, 'calibration.npy'), '-o', recording, ...scale)).code).toBe(0);
    expect((await dcJson('inspect', recording)).result.preprocessing).toEqual({ scale: [2], offset: [-1] });
    const run = async (...args: string[]) => {
      const r = await dc('run', recording, '--json', ...args);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const asIs = ['--input-scale', '1', '--input-offset', '0'];
    const fromRecord = await run('--data', join(dir, 'raw.npy'));
    expect(fromRecord.pixels).toEqual({ scale: [2], offset: [-1], source: 'file' });
    expect(fromRecord.outputs).toEqual((await run('--data', join(dir, 'scaled.npy'), ...asIs)).outputs);
    const judged = await run('--reference', modelJson, '--data', join(dir, 'raw.npy'));
    expect(judged.pixels).toEqual({ scale: [2], offset: [-1], source: 'file' });
    expect(judged.fidelity).toEqual((await run('--reference', modelJson, '--data', join(dir, 'scaled.npy'), ...asIs)).fidelity);
  }, 60_000);
});

describe('dc compress --no-retrain --calibration on a GraphModel of free height and width', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dc-free-graph-'));
    writeFileSync(join(dir, 'calibration.npy'), inputs(6, 1));
  });

  it('a GraphModel of free height and width: --input-shape sizes its calibration rows and photographs, for dc compress, dc run and dc run --reference; a shape that changes a fixed dimension is INVALID_OPTION', async () => {
    const free = await writeFixture((json) => {
      const topology = json.modelTopology as { node: { name: string; attr: { shape?: unknown } }[] };
      topology.node.find((n) => n.name === 'input')!.attr.shape = { shape: { dim: [-1, -1, -1, 3].map((size) => ({ size: String(size) })) } };
      (json.signature as { inputs: Record<string, { tensorShape: unknown }> }).inputs['input:0'].tensorShape = { dim: [-1, -1, -1, 3].map((size) => ({ size: String(size) })) };
    });
    let s = 5;
    const rows = Float32Array.from({ length: 6 * 12 * 10 * 3 }, () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    writeFileSync(join(dir, 'free.npy'), Buffer.from(dump(rows, [6, 12, 10, 3])));
    const out = join(dir, 'free.dcm');
    const r = await dc('compress', free, '--no-retrain', '--calibration', join(dir, 'free.npy'), '--input-shape', '12,10,3', '-o', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).calibrationFidelity.withinBudget).toBe(true);
    // Rows of another size than --input-shape: DATA_MISMATCH before any planning; a fixed dimension changed or another rank: INVALID_OPTION.
    const other = await dc('compress', free, '--no-retrain', '--calibration', join(dir, 'calibration.npy'), '--input-shape', '12,10,3', '-o', join(dir, 'never.dcm'));
    expect(other.stderr).toContain('DATA_MISMATCH');
    for (const shape of ['12,10,1', '12,10']) {
      const wrong = await dc('compress', free, '--no-retrain', '--calibration', join(dir, 'free.npy'), '--input-shape', shape, '-o', join(dir, 'never.dcm'));
      expect(wrong.stderr).toMatch(new RegExp(`INVALID_OPTION[\\s\\S]*input shape \\[${shape.split(',').join(', ')}\\] does not fit the model's input \\[null, null, 3\\]`));
    }
    // Without calibration inputs there is nothing to size.
    expect((await dc('compress', free, '--no-retrain', '--input-shape', '12,10,3', '-o', join(dir, 'never.dcm'))).stderr).toMatch(/INVALID_OPTION[\s\S]*without --calibration there are none/);
    // Photographs (40 × 30) resized to 12 × 10, not to the default 256 × 256: other outputs, as many samples.
    writePngs(join(dir, 'photos'), 3, 9);
    const run = async (...args: string[]) => (await dcJson('run', out, '--data', join(dir, 'photos'), ...args)).result;
    const [sized, unsized] = [await run('--input-shape', '12,10,3'), await run()];
    expect([sized.samples, unsized.samples]).toEqual([3, 3]);
    expect(sized.outputs[0].max).not.toBe(unsized.outputs[0].max);
    const judged = await run('--reference', free, '--input-shape', '12,10,3');
    expect(judged.samples).toBe(3);
    expect(judged.fidelity.outputs[0].relativeError).toBeLessThan(0.05);
  }, 60_000);
});
