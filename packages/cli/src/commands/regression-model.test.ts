import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRandom } from '@dc/core';
import * as tf from '@tensorflow/tfjs';
import { createSession, loadCompressedModel } from '@dc/sparse-runtime';
import { createCpuBackend } from '@dc/sparse-runtime/cpu';
import { dump } from 'npyjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dc, dcJson } from '../run-dc.test-support.js';
import { fitAndSave, onWasm } from './conv-fixture.test-support.js';

const [STEPS, FEATURES] = [12, 2];

/** `n` windows of two noisy sines of a random frequency and phase, `[STEPS, FEATURES]` each. */
function windows(n: number, seed: number): Float32Array {
  const random = createRandom(seed);
  const xs = new Float32Array(n * STEPS * FEATURES);
  for (let i = 0; i < n; i++) {
    const [frequency, phase] = [0.3 + 0.4 * random.next(), 6.28 * random.next()];
    for (let t = 0; t < STEPS; t++) {
      for (let f = 0; f < FEATURES; f++) xs[(i * STEPS + t) * FEATURES + f] = Math.sin(frequency * (f + 1) * t + phase) + 0.05 * (random.next() - 0.5);
    }
  }
  return xs;
}

/** A user's sequence autoencoder (an anomaly detector's shape): LSTM encoder → RepeatVector → LSTM decoder → TimeDistributed(Dense), trained with meanSquaredError. */
async function savedAutoencoder(dir: string, xs: Float32Array): Promise<string> {
  return onWasm(async () => {
    const lm = tf.sequential({ name: 'sequence-autoencoder' });
    const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotNormal({ seed }), recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1 }) });
    lm.add(tf.layers.lstm({ inputShape: [STEPS, FEATURES], units: 16, name: 'encode', ...init(1) }));
    lm.add(tf.layers.repeatVector({ n: STEPS, name: 'repeat' }));
    lm.add(tf.layers.lstm({ units: 16, returnSequences: true, name: 'decode', ...init(3) }));
    lm.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: FEATURES, kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }), name: 'reconstruct' }));
    lm.compile({ optimizer: tf.train.adam(1e-2), loss: 'meanSquaredError' });
    const x = tf.tensor3d(xs, [xs.length / (STEPS * FEATURES), STEPS, FEATURES]);
    return fitAndSave(lm, x, x, 30, dir, { loss: 'mean_squared_error' });
  });
}

describe('a sequence autoencoder (LSTM → RepeatVector → LSTM → TimeDistributed Dense) retrained on float targets: its own inputs', () => {
  let dir: string;
  let modelJson: string;
  const npy = (name: string) => join(dir, `${name}.npy`);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dc-regression-'));
    const [train, test] = [windows(600, 1), windows(200, 2)];
    for (const [name, xs] of [['train', train], ['test', test]] as const) writeFileSync(npy(name), Buffer.from(dump(xs, [xs.length / (STEPS * FEATURES), STEPS, FEATURES])));
    modelJson = await savedAutoencoder(join(dir, 'model'), train);
  }, 180_000);

  it('prunes, retrains on the targets by the model\'s loss, clusters and writes it; the file reconstructs the test windows about as well, and dc run --targets measures the same loss', async () => {
    const out = join(dir, 'autoencoder.dcm');
    const settings = ['--sparsity', '0.3', '--bits', '6', '--prune-epochs', '20', '--prune-lr', '0.003', '--cluster-epochs', '5', '--cluster-lr', '0.001'];
    const r = await dc('compress', modelJson, '--data', npy('train'), '--targets', npy('train'), '--test-data', npy('test'), '--test-targets', npy('test'), '-o', out, ...settings, '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.fileBytes).toBe(statSync(out).size);
    // A small model (13 KB of float32): the file's fixed costs weigh.
    expect(result.fileBytes * 4).toBeLessThan(result.originalBytes);
    expect([result.loss, result.testError, result.baselineTestError]).toEqual(['meanSquaredError', null, null]);
    // The stage lines judge it by its loss, not by a classification error.
    expect(r.stderr).toMatch(/dc:cluster done in [\d.]+ s, validation loss [\d.e-]+/);
    expect(result.baselineTestLoss).toBeLessThan(0.1);
    expect(result.testLoss).toBeLessThan(result.baselineTestLoss * 1.25);
    const run = (await dcJson('run', out, '--data', npy('test'), '--targets', npy('test'))).result;
    expect(run.targets.meanSquaredError).toBeCloseTo(result.testLoss, 10);
    // A linear head's values against targets outside [0, 1]: no binary figures.
    expect([run.targets.binaryCrossentropy, run.targets.binaryError]).toEqual([null, null]);
    expect([run.samples, run.accuracy, run.predicted]).toEqual([200, null, []]);
  }, 300_000);

  it('retrains by a loss Keras users compile with (Huber with delta 0.5) and reports the file\'s test loss by it; a loss the trainer lacks is refused, never replaced', async () => {
    // The same model as a Keras user compiled with Huber(delta=0.5) would save it (tensorflowjs_converter's trainingConfig).
    const withLoss = (name: string, loss: unknown): string => {
      const copy = join(dir, name);
      mkdirSync(copy, { recursive: true });
      const json = JSON.parse(readFileSync(modelJson, 'utf8'));
      writeFileSync(join(copy, 'model.json'), JSON.stringify({ ...json, trainingConfig: { loss, metrics: [] } }));
      copyFileSync(join(dirname(modelJson), 'weights.bin'), join(copy, 'weights.bin'));
      return join(copy, 'model.json');
    };
    const out = join(dir, 'huber.dcm');
    const { result } = await dcJson('compress', withLoss('huber', { class_name: 'Huber', config: { delta: 0.5, reduction: 'sum_over_batch_size', name: 'huber_loss' } }), '--data', npy('train'), '--targets', npy('train'), '--test-data', npy('test'), '--test-targets', npy('test'), '-o', out, '--sparsity', '0.3', '--bits', '6', '--prune-epochs', '20', '--prune-lr', '0.003', '--cluster-epochs', '5', '--cluster-lr', '0.001');
    expect(result.loss).toBe('huber');
    expect(result.testLoss).toBeLessThan(result.baselineTestLoss * 1.5);
    // The test loss is the file's: Huber (delta 0.5) of its outputs, recomputed here in float64.
    const session = await createSession(await loadCompressedModel(out), { backend: createCpuBackend() });
    const test = windows(200, 2);
    const outputs = await session.predict(test, 200);
    session.dispose();
    const huber = outputs.reduce((sum, y, i) => {
      const d = Math.abs(y - test[i]);
      return sum + (d <= 0.5 ? 0.5 * d * d : 0.5 * (d - 0.25));
    }, 0) / outputs.length;
    expect(result.testLoss).toBeCloseTo(huber, 6);
    expect(result.fileRun.targets.compiledLoss).toBe(result.testLoss);
    // The file records the loss, so dc run alone measures by it too.
    const run = await dc('run', out, '--data', npy('test'), '--targets', npy('test'), '--json');
    expect(run.code, run.stderr).toBe(0);
    const alone = JSON.parse(run.stdout);
    // Within float32 rounding: dc compress measured on its training backend, dc run on tfjs's cpu.
    expect([alone.training, Math.abs(alone.targets.compiledLoss / result.testLoss - 1) < 1e-5]).toEqual([{ loss: 'huber', huberDelta: 0.5 }, true]);
    expect((await dc('run', out, '--data', npy('test'), '--targets', npy('test'))).stdout).toContain(`huber ${alone.targets.compiledLoss.toPrecision(4)}`);
    const focal = await dc('compress', withLoss('focal', 'binary_focal_crossentropy'), '--data', npy('train'), '--targets', npy('train'), '-o', join(dir, 'focal.dcm'));
    expect([focal.code, focal.stderr]).toEqual([1, expect.stringMatching(/INVALID_OPTION: the model was compiled with loss binary_focal_crossentropy, which dc's trainer does not compute \(it computes [^)]*huber[^)]*\)/)]);
    // Without retraining the loss only measures the file: the default, named in the report.
    const measured = await dc('compress', withLoss('focal', 'binary_focal_crossentropy'), '--no-retrain', '--data', npy('test'), '--targets', npy('test'), '--test-data', npy('test'), '--test-targets', npy('test'), '-o', join(dir, 'focal.dcm'), '--json');
    expect(measured.code, measured.stderr).toBe(0);
    expect(JSON.parse(measured.stdout).loss).toBe('meanSquaredError');
  }, 300_000);

  it('says what it needs: class labels for a model compiled with meanSquaredError, targets of the wrong shape, an error budget for a model on targets', async () => {
    const out = join(dir, 'refused.dcm');
    const labels = await dc('compress', modelJson, '--data', npy('train'), '--labels', npy('train'), '-o', out);
    expect(labels.stderr).toMatch(/INVALID_OPTION: the model was compiled with loss meanSquaredError; class labels \(--labels\) train classifiers[\s\S]*--targets/);
    writeFileSync(npy('flat'), Buffer.from(dump(windows(600, 1).subarray(0, 600 * STEPS), [600, STEPS])));
    const shape = await dc('compress', modelJson, '--data', npy('train'), '--targets', npy('flat'), '-o', out);
    expect(shape.stderr).toMatch(/DATA_MISMATCH: .*flat\.npy: targets of shape \[600, 12\] for 600 samples of a model whose output is \[12, 2\]/);
    const budget = await dc('compress', modelJson, '--data', npy('train'), '--targets', npy('train'), '--max-error-increase', '0.5', '-o', out);
    expect(budget.stderr).toMatch(/INVALID_OPTION: --max-error-increase is a budget on classification error[\s\S]*--max-loss-increase/);
    expect([labels.code, shape.code, budget.code]).toEqual([1, 1, 1]);
  }, 120_000);

  it('plans a size target or a loss budget by the validation loss (--target-ratio, --max-loss-increase with --targets): each layer, recurrent kernels included, priced by what it costs the loss', async () => {
    const out = join(dir, 'planned.dcm');
    const r = await dc('compress', modelJson, '--data', npy('train'), '--targets', npy('train'), '--test-data', npy('test'), '--test-targets', npy('test'), '-o', out, '--target-ratio', '5', '--prune-epochs', '10', '--prune-lr', '0.003', '--cluster-epochs', '3', '--cluster-lr', '0.001', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    const { allocation } = result;
    expect([allocation.metric, allocation.goal]).toEqual(['loss', { kind: 'targetBytes', value: Math.round(result.originalBytes / 5), ratio: 5 }]);
    expect(allocation.baselineLoss).toBeGreaterThan(0);
    // Every layer with weights is planned; the LSTMs' sizes count their recurrent kernels.
    expect(allocation.layers.map((l: { layer: string; params: number }) => [l.layer, l.params])).toEqual([['encode', 2 * 64 + 16 * 64], ['decode', 16 * 64 + 16 * 64], ['reconstruct', 16 * 2]]);
    expect(r.stderr).toMatch(/allocation: size target [\d,]+ B \(5× of [\d,]+ B\): the candidate closest to it; costs are shares of the unchanged model's validation loss [\d.e-]+;/);
    expect(r.stderr).toMatch(/one-shot validation loss \+[\d.]+% of the loss from pruning/);
    expect(result.fileBytes).toBe(statSync(out).size);
    // Sized one-shot, then retrained: the file lands near the target.
    expect(Math.abs(result.compressionRatio / 5 - 1)).toBeLessThan(0.1);
    expect(result.testLoss).toBeLessThan(result.baselineTestLoss * 1.5);
    // A loss budget: the smallest file whose predicted one-shot loss stays within 50% above the unchanged model's.
    const budgeted = await dc('compress', modelJson, '--data', npy('train'), '--targets', npy('train'), '-o', out, '--max-loss-increase', '50', '--recovery-rounds', '0', '--prune-epochs', '2', '--cluster-epochs', '1', '--json');
    expect(budgeted.code, budgeted.stderr).toBe(0);
    const planned = JSON.parse(budgeted.stdout).allocation;
    expect([planned.metric, planned.goal]).toEqual(['loss', { kind: 'maxErrorIncrease', value: 0.5 }]);
    expect(planned.predictedErrorIncrease).toBeLessThanOrEqual(0.5);
    expect(budgeted.stderr).toMatch(/allocation: loss budget 50\.00% of predicted validation loss: the smallest file within it/);
    const loss = await dc('compress', modelJson, '--data', npy('train'), '--labels', npy('train'), '--max-loss-increase', '5', '-o', out);
    expect([loss.code, loss.stderr]).toEqual([1, expect.stringMatching(/INVALID_OPTION: --max-loss-increase is a budget on the loss of a model trained on --targets; class labels are measured by their error/)]);
  }, 300_000);
});
