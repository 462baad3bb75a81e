import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom } from '@dc/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dc, dcJson } from '../run-dc.test-support.js';
import { fitAndSave, onWasm } from './conv-fixture.test-support.js';

const FEATURES = 12;
const NAMES = Array.from({ length: FEATURES }, (_, i) => `f${i + 1}`);

/**
 * `n` rows of a tabular data set: 12 standardised features, a class (one of 3 risk groups, each with
 * its own feature means) and a price that depends on the features non-linearly.
 */
function table(n: number, seed: number): { features: number[][]; risk: number[]; price: number[] } {
  const random = createRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const centres = [0, 1, 2].map((c) => NAMES.map((_, j) => Math.sin(2.1 * c + j) * 1.5));
  const rows = { features: [] as number[][], risk: [] as number[], price: [] as number[] };
  for (let i = 0; i < n; i++) {
    const c = Math.floor(random.next() * 3);
    const x = centres[c].map((m) => +(m + gauss()).toFixed(4));
    rows.features.push(x);
    rows.risk.push(c);
    rows.price.push(+(x[0] * 0.8 - x[3] * 0.5 + Math.tanh(x[5] * x[7]) + 0.1 * gauss()).toFixed(4));
  }
  return rows;
}

/** The rows as a CSV with a header: the class in the column `risk` between the features, or the price last. */
function csvOf(rows: ReturnType<typeof table>, label: 'risk' | 'price'): string {
  const header = label === 'risk' ? [...NAMES.slice(0, 6), 'risk', ...NAMES.slice(6)] : [...NAMES, 'price'];
  const lines = rows.features.map((x, i) => (label === 'risk' ? [...x.slice(0, 6), rows.risk[i], ...x.slice(6)] : [...x, rows.price[i]]).join(','));
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

/** A user's tabular model: Dense 64 → Dense 32 → a head of `units` (softmax for the risk class, linear for the price), trained on the rows. */
async function savedTabularModel(dir: string, rows: ReturnType<typeof table>, head: 'classes' | 'price'): Promise<string> {
  return onWasm(async () => {
    const lm = tf.sequential({ name: head === 'classes' ? 'risk-classifier' : 'price-regressor' });
    lm.add(tf.layers.dense({ inputShape: [FEATURES], units: 64, activation: 'relu', name: 'hidden1', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }));
    lm.add(tf.layers.dense({ units: 32, activation: 'relu', name: 'hidden2', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }));
    lm.add(tf.layers.dense({ units: head === 'classes' ? 3 : 1, activation: head === 'classes' ? 'softmax' : 'linear', name: 'out', kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }));
    const loss = head === 'classes' ? 'sparseCategoricalCrossentropy' : 'meanSquaredError';
    lm.compile({ optimizer: tf.train.adam(5e-3), loss });
    const x = tf.tensor2d(rows.features);
    const y = head === 'classes' ? tf.tensor1d(rows.risk, 'float32') : tf.tensor2d(rows.price, [rows.price.length, 1]);
    return fitAndSave(lm, x, y, 20, dir, { loss: head === 'classes' ? 'sparse_categorical_crossentropy' : 'mean_squared_error' });
  });
}

describe('tabular models on CSV tables (--label-column, --target-columns)', () => {
  let dir: string;
  const csv = (name: string) => join(dir, `${name}.csv`);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dc-tabular-'));
    const [train, test] = [table(1500, 1), table(500, 2)];
    for (const label of ['risk', 'price'] as const) {
      writeFileSync(csv(`train-${label}`), csvOf(train, label));
      writeFileSync(csv(`test-${label}`), csvOf(test, label));
    }
  });

  it('compresses a classifier whose labels are a column of the table, and dc run measures the file on the test table alike', async () => {
    const model = await savedTabularModel(join(dir, 'classifier'), table(1500, 1), 'classes');
    const out = join(dir, 'risk.dcm');
    const flags = ['--sparsity', '0.8', '--bits', '5', '--prune-epochs', '4', '--cluster-epochs', '2'];
    const r = await dc('compress', model, '--data', csv('train-risk'), '--label-column', 'risk', '--test-data', csv('test-risk'), '-o', out, ...flags, '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(r.stderr).toContain(`model "risk-classifier", 3 nodes, input [${FEATURES}], 3 classes; 1500 training samples`);
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(result.compressionRatio).toBeGreaterThan(8);
    expect(result.baselineTestError).toBeLessThan(10);
    expect(result.testError).toBeLessThan(result.baselineTestError + 2);
    const run = (await dcJson('run', out, '--data', csv('test-risk'), '--label-column', 'risk')).result;
    expect([run.samples, run.testError]).toEqual([500, result.testError]);
    // The same column named by its index (the header's 7th).
    const byIndex = (await dcJson('run', out, '--data', csv('test-risk'), '--label-column', '6')).result;
    expect(byIndex.testError).toBe(run.testError);
    // The class column as names (what most tables hold), read by --classes in the model's order.
    const GROUPS = ['low', 'medium', 'high'];
    const named = (name: string) => {
      const [head, ...rows] = readFileSync(csv(name), 'utf8').trim().split('\n');
      writeFileSync(csv(`${name}-named`), [head, ...rows.map((row) => row.split(',').map((cell, c) => (c === 6 ? GROUPS[Number(cell)] : cell)).join(','))].join('\n'));
      return csv(`${name}-named`);
    };
    const byName = (await dcJson('run', out, '--data', named('test-risk'), '--label-column', 'risk', '--classes', GROUPS.join(','))).result;
    expect([byName.samples, byName.testError]).toEqual([500, run.testError]);
    const unlisted = await dc('run', out, '--data', named('test-risk'), '--label-column', 'risk', '--classes', 'low,middle,high');
    expect([unlisted.code, unlisted.stderr]).toEqual([1, expect.stringMatching(/DATA_MISMATCH: .*test-risk-named\.csv, line \d+, column "risk": "medium" is not one of --classes \(low, middle, high\)/)]);
    const short = await dc('run', out, '--data', named('test-risk'), '--label-column', 'risk', '--classes', 'low,high');
    expect([short.code, short.stderr]).toEqual([1, expect.stringMatching(/INVALID_OPTION: --classes names 2 classes \(low, high\); the model tells 3 apart/)]);
    const unsaid = await dc('run', out, '--data', named('test-risk'), '--label-column', 'risk');
    expect(unsaid.stderr).toMatch(/"(low|medium|high)" is not a number[\s\S]*--classes <names>/);
    // Post-training: calibrated on the training table (its label column left out), judged on the test table.
    const calibrated = join(dir, 'risk-calibrated.dcm');
    const c = await dc('compress', model, '--no-retrain', '--calibration', csv('train-risk'), '--label-column', 'risk', '--test-data', csv('test-risk'), '-o', calibrated, '--json');
    expect(c.code, c.stderr).toBe(0);
    const post = JSON.parse(c.stdout);
    expect([post.calibrationSamples, post.testSamples, post.calibrationFidelity.withinBudget]).toEqual([1500, 500, true]);
    expect(post.testFidelity.outputs[0].top1Agreement).toBeGreaterThanOrEqual(0.99);
    const reference = (await dcJson('run', calibrated, '--reference', model, '--data', csv('test-risk'), '--label-column', 'risk')).result;
    expect(reference.fidelity.outputs[0].top1Agreement).toBe(post.testFidelity.outputs[0].top1Agreement);
  }, 240_000);

  it('advises an automatic allocation when hand-set sparsity and bits leave the file well behind the original', async () => {
    const model = await savedTabularModel(join(dir, 'advised'), table(1500, 1), 'classes');
    const harsh = ['--sparsity', '0.99', '--bits', '1', '--prune-epochs', '0', '--cluster-epochs', '0'];
    const r = await dc('compress', model, '--data', csv('train-risk'), '--label-column', 'risk', '--test-data', csv('test-risk'), '-o', join(dir, 'harsh.dcm'), ...harsh);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^advice: the file's test error [\d.]+ pp above the original's: let dc choose each layer's sparsity and bits within a budget \(--max-error-increase 0\.5 \(percentage points\), or --target-ratio for a size\)/m);
    // A file that keeps up gets none.
    const mild = await dc('compress', model, '--data', csv('train-risk'), '--label-column', 'risk', '--test-data', csv('test-risk'), '-o', join(dir, 'mild.dcm'), '--sparsity', '0.5', '--bits', '6');
    expect(mild.stdout).not.toContain('advice:');
  }, 240_000);

  it('retrains a regressor on a target column by its loss, and dc run --target-columns reports the same loss', async () => {
    const model = await savedTabularModel(join(dir, 'regressor'), table(1500, 1), 'price');
    const out = join(dir, 'price.dcm');
    const [train, test] = [csv('train-price'), csv('test-price')];
    const r = await dc('compress', model, '--data', train, '--target-columns', 'price', '--test-data', test, '-o', out, '--sparsity', '0.5', '--bits', '6', '--prune-epochs', '15', '--prune-lr', '0.003', '--cluster-epochs', '3', '--cluster-lr', '0.001', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.loss).toBe('meanSquaredError');
    expect(result.testLoss, r.stderr).toBeLessThan(result.baselineTestLoss * 1.5);
    // The pruning rounds report the validation loss too (an accuracy means little for a regressor).
    expect(r.stderr).toMatch(/round 1\/1: kept [\d.]+% of pruned weights, accuracy [\d.]+%, loss [\d.]+/);
    const run = (await dcJson('run', out, '--data', test, '--target-columns', 'price')).result;
    expect(run.targets.meanSquaredError).toBeCloseTo(result.testLoss, 10);
  }, 240_000);

  it('says what is wrong with a table before any work: a cell that is not a number, a column it lacks, a missing label column, columns of a .npy', async () => {
    const model = await savedTabularModel(join(dir, 'refusals'), table(200, 3), 'classes');
    writeFileSync(csv('bad'), `${NAMES.join(',')},risk\n${Array(FEATURES).fill('0.5').join(',')},1\n${Array(FEATURES - 1).fill('0.5').join(',')},n/a,2\n`);
    const out = join(dir, 'refused.dcm');
    const bad = await dc('compress', model, '--data', csv('bad'), '--label-column', 'risk', '-o', out);
    expect(bad.stderr).toMatch(/DATA_MISMATCH: .*bad\.csv, line 3, column "f12": "n\/a" is not a number/);
    const unknown = await dc('compress', model, '--data', csv('train-risk'), '--label-column', 'class', '-o', out);
    expect(unknown.stderr).toMatch(/INVALID_OPTION: .*train-risk\.csv has no column "class" \(--label-column\)[\s\S]*hint: Its columns: "f1", .*"risk"/);
    const none = await dc('compress', model, '--data', csv('train-risk'), '-o', out);
    expect(none.stderr).toMatch(/INVALID_OPTION: .*train-risk\.csv: a CSV table needs --label-column <name> or --target-columns <names>/);
    // A column of floats is no class label.
    const floats = await dc('compress', model, '--data', csv('train-price'), '--label-column', 'f1', '-o', out);
    expect(floats.stderr).toMatch(/DATA_MISMATCH: .*train-price\.csv: label -?[\d.]+ of sample 0 is not a class index below 3/);
    // Labels as a column and as a file at once.
    const both = await dc('compress', model, '--data', csv('train-risk'), '--label-column', 'risk', '--labels', csv('train-risk'), '-o', out);
    expect(both.stderr).toMatch(/INVALID_OPTION: --label-column takes the labels from .*train-risk\.csv; --labels \/ --targets give them in a file of their own/);
    expect([bad.code, unknown.code, none.code, floats.code, both.code]).toEqual([1, 1, 1, 1, 1]);
    expect(() => statSync(out)).toThrow();
  }, 120_000);
});
