import { cpSync, existsSync, mkdtempSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connectedPositions, decodeContainer, readContainerHeader } from '@dc/core';
import { huffmanDecoder } from '@dc/huffman/decode';
import { ransDecoder } from '@dc/rans/decode';
import * as tf from '@tensorflow/tfjs';
import { dump } from 'npyjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dc, dcJson } from '../run-dc.test-support.js';
import { MNIST_DIR as mnistDir, trainedOnMnist } from './mnist-fixture.test-support.js';

/** flatten → dense (no bias) → BatchNorm → ReLU → dense softmax, trained briefly on 2,000 real MNIST digits and saved as model.json. */
async function savedMnistModel(dir: string): Promise<string> {
  await tf.setBackend('cpu');
  const input = tf.input({ shape: [28, 28, 1], name: 'pixels' });
  const flat = tf.layers.flatten({ name: 'flatten' }).apply(input) as tf.SymbolicTensor;
  const fc = tf.layers.dense({ name: 'fc1', units: 64, useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(flat) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: 'bn', momentum: 0.9 }).apply(fc) as tf.SymbolicTensor;
  const relu = tf.layers.reLU({ name: 'relu' }).apply(bn) as tf.SymbolicTensor;
  const head = tf.layers.dense({ name: 'head', units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(relu) as tf.SymbolicTensor;
  const lm = tf.model({ inputs: input, outputs: head, name: 'mnist-bn' });
  return trainedOnMnist(lm, dir, { digits: 2000, epochs: 2, learningRate: 0.003, batchSize: 64 });
}

/** A copy of a tfjs model.json with one layer's class renamed. */
function withClass(path: string, layer: string, className: string): string {
  const json = JSON.parse(readFileSync(path, 'utf8')) as { modelTopology: { config: { layers: { name: string; class_name: string }[] } } };
  for (const l of json.modelTopology.config.layers) if (l.name === layer) l.class_name = className;
  const out = join(dirname(path), `${className}.json`);
  writeFileSync(out, JSON.stringify(json));
  return out;
}

describe('dc compress', () => {
  let dir: string;
  let modelJson: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dc-compress-'));
    modelJson = await savedMnistModel(join(dir, 'model'));
  }, 60_000);

  it('compresses a model.json on IDX data; size and error are measured from the written file run by the sparse runtime', async () => {
    const out = join(dir, 'model.dcm');
    // Two training threads: every batch shared with a data-parallel worker thread.
    const r = await dc('compress', modelJson, '--data', mnistDir, '-o', out, '--train-limit', '2000', '--test-limit', '1000', '--sparsity', '0.6', '--bits', '4', '--cluster-epochs', '1', '--training-threads', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(result.parameters).toBe(784 * 64 + 4 * 64 + 64 * 10 + 10);
    expect(result.compressionRatio).toBeCloseTo(result.originalBytes / result.fileBytes, 9);
    expect(result.compressionRatio).toBeGreaterThan(10);
    expect(result.pipeline.stages.map((s: { name: string }) => s.name)).toEqual(['dc:prune', 'dc:fold-batch-norm', 'dc:cluster', 'dc:encode']);
    expect(result.pipeline.stages[1].metrics.folded).toEqual([['bn', 'fc1']]);
    expect(result.preprocessing).toMatchObject({ source: 'bytes', recorded: { scale: [1 / 255], offset: [0] } });
    expect(result.settings.trainingThreads).toBe(2);
    expect(r.stderr).toMatch(/training backend: \w+, threads: 2/);
    // The error is the file's own: dc run on the written file gives the same figure.
    const run = (await dcJson('run', out, '--data', mnistDir, '--limit', '1000')).result;
    expect(result.fileRun.samples).toBe(1000);
    expect(result.testError).toBe(run.testError);
    expect(result.baselineTestError).toBeLessThan(15);
    expect(result.testError).toBeLessThan(result.baselineTestError + 3);
    expect(r.stderr).toMatch(/stage 1\/4: dc:prune[\s\S]*epoch 1\/1/);
  });

  it('--augment-translate 2 retrains on shifted images (another file than without it, same seed), --augment-flip on mirrored ones too; a shift as large as the image is INVALID_OPTION', async () => {
    const args = (out: string) => ['compress', modelJson, '--data', mnistDir, '-o', join(dir, out), '--train-limit', '1000', '--test-limit', '200', '--sparsity', '0.6', '--bits', '4', '--cluster-epochs', '0', '--json'];
    const shifted = await dc(...args('shifted.dcm'), '--augment-translate', '2');
    expect(shifted.code, shifted.stderr).toBe(0);
    expect(JSON.parse(shifted.stdout).settings.augmentTranslate).toBe(2);
    expect(shifted.stderr).toMatch(/training images shifted by up to 2 px/);
    expect((await dc(...args('plain.dcm'))).code).toBe(0);
    expect(readFileSync(join(dir, 'shifted.dcm')).equals(readFileSync(join(dir, 'plain.dcm')))).toBe(false);
    // Mirrored at random too (--augment-flip, meant for photographs): another file again.
    const flipped = await dc(...args('flipped.dcm'), '--augment-translate', '2', '--augment-flip');
    expect(flipped.code, flipped.stderr).toBe(0);
    expect(JSON.parse(flipped.stdout).settings).toMatchObject({ augmentTranslate: 2, augmentFlip: true });
    expect(flipped.stderr).toMatch(/training images shifted by up to 2 px and mirrored left to right at random/);
    expect(readFileSync(join(dir, 'flipped.dcm')).equals(readFileSync(join(dir, 'shifted.dcm')))).toBe(false);
    const bad = await dc(...args('bad.dcm'), '--augment-translate', '28');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/INVALID_OPTION[\s\S]*translate 28/);
  });

  it('--seeded-connectivity retrains on masks drawn from the seed; the file stores the seeds (version 7) and is smaller than the magnitude-pruned one', async () => {
    const args = (out: string) => ['compress', modelJson, '--data', mnistDir, '-o', join(dir, out), '--train-limit', '1000', '--test-limit', '500', '--sparsity', 'fc1=0.85,head=0.5', '--bits', '4', '--cluster-epochs', '0', '--json'];
    // Random connections need retraining that magnitude pruning does not: 20 epochs at 3e-3.
    const seeded = await dc(...args('seeded.dcm'), '--seeded-connectivity', '7', '--prune-epochs', '20', '--prune-lr', '0.003');
    expect(seeded.code, seeded.stderr).toBe(0);
    const result = JSON.parse(seeded.stdout);
    expect(result.pipeline.stages.map((s: { name: string }) => s.name)).toEqual(['dc:seeded-connectivity', 'dc:fold-batch-norm', 'dc:cluster', 'dc:encode']);
    const bytes = new Uint8Array(readFileSync(join(dir, 'seeded.dcm')));
    const decoded = decodeContainer(bytes, { decoders: [huffmanDecoder, ransDecoder] });
    expect(readContainerHeader(bytes).tensors.filter((t) => t.connectivity).map((t) => t.key)).toEqual(['fc1/kernel', 'head/kernel']);
    // Every stored position is one the seed connects (the fold kept the zeros), and the kept share is the one asked for.
    const fc1 = decoded.tensors.get('fc1/kernel')!;
    expect(fc1.layout).toBe('sparse-coded');
    const positions = (fc1 as { positions: Uint32Array }).positions;
    expect(positions).toEqual(connectedPositions(decoded.connectivity!.get('fc1/kernel')!, 784 * 64));
    expect(Math.abs(positions.length / (784 * 64) - 0.15)).toBeLessThan(0.01);
    expect(result.testError).toBeLessThan(result.baselineTestError + 10);
    const magnitude = await dc(...args('magnitude.dcm'));
    expect(magnitude.code, magnitude.stderr).toBe(0);
    expect(bytes.length).toBeLessThan(JSON.parse(magnitude.stdout).fileBytes);
  });

  it('--seeded-connectivity with --calibration is INVALID_OPTION (it retrains a LayersModel)', async () => {
    const r = await dc('compress', modelJson, '--no-retrain', '--calibration', mnistDir, '-o', join(dir, 'never.dcm'), '--seeded-connectivity', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/INVALID_OPTION[\s\S]*--seeded-connectivity/);
    expect(existsSync(join(dir, 'never.dcm'))).toBe(false);
  });

  it('--target-ratio 20 --bit-levels 3,4,5 chooses each layer\'s sparsity and bits on the validation split (--sensitivity-samples of it, --recovery-rounds probes); the written file lands within 5% of 20x', async () => {
    const out = join(dir, 'target.dcm');
    const r = await dc('compress', modelJson, '--data', mnistDir, '-o', out, '--train-limit', '2000', '--test-limit', '1000', '--target-ratio', '20', '--bit-levels', '3,4,5', '--sensitivity-samples', '150', '--recovery-rounds', '1', '--recovery-samples', '500', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.fileBytes).toBe(statSync(out).size);
    expect(result.allocation.goal).toEqual({ kind: 'targetBytes', value: Math.round(result.originalBytes / 20), ratio: 20 });
    // The run pruned and clustered to the plan: the allocation's per-layer values are the settings used.
    expect(Object.keys(result.allocation.sparsity).sort()).toEqual(['fc1', 'head']);
    expect(result.settings.sparsity).toEqual(result.allocation.sparsity);
    expect(result.settings.bits).toEqual(result.allocation.bits);
    // Each layer's bits among --bit-levels, each measured.
    for (const b of Object.values(result.allocation.bits)) expect([3, 4, 5]).toContain(b);
    expect([...result.allocation.sensitivity.bits.bits].sort()).toEqual([3, 4, 5]);
    // The plan was measured on the validation split with candidates written as this run writes (batch norm folded).
    expect(result.allocation.sensitivity.sparsity.rows.map((row: { layer: string }) => row.layer)).toEqual(['fc1', 'head']);
    // Every sensitivity pass evaluated the first 150 of the 200 validation samples: accuracies in steps of 1/150.
    expect(result.sensitivitySamples).toBe(150);
    expect(r.stderr).toContain('on the first 150 of 200 validation samples');
    const accuracies = [result.allocation.baselineAccuracy, ...result.allocation.sensitivity.bits.rows.flatMap((row: { accuracy: number[] }) => row.accuracy)];
    for (const a of accuracies) expect(Math.abs(a * 150 - Math.round(a * 150))).toBeLessThan(1e-6);
    expect(accuracies.some((a) => Math.abs(a * 200 - Math.round(a * 200)) > 1e-6)).toBe(true);
    // The one-shot plan, probed (500 training rows, measured on all 200 validation samples), and
    // one plan on rescaled pruning curves unless it repeats the first (here 3-bit codes cost
    // nothing one-shot, so cheaper pruning may buy nothing new); the run used the round kept.
    expect(result.recoverySamples).toBe(500);
    const { rounds, chosen } = result.allocation.recovery;
    expect(rounds.length).toBeGreaterThanOrEqual(1);
    expect(rounds.length).toBeLessThanOrEqual(2);
    expect(rounds[0].pruningFactor).toBe(1);
    expect(new Set(rounds.map((x: { sparsity: object; bits: object }) => JSON.stringify([x.sparsity, x.bits]))).size).toBe(rounds.length);
    const { reference } = result.allocation.recovery;
    for (const a of [reference.baseline, reference.retrained]) expect(Math.abs(a * 200 - Math.round(a * 200))).toBeLessThan(1e-6);
    for (const round of rounds) {
      for (const x of [round.probe.prunedIncrease, round.probe.jointIncrease]) expect(Math.abs(x * 200 - Math.round(x * 200))).toBeLessThan(1e-6);
    }
    expect(result.settings.sparsity).toEqual(rounds[chosen].sparsity);
    expect(rounds[chosen].probe.jointIncrease).toBe(Math.min(...rounds.map((x: { probe: { jointIncrease: number } }) => x.probe.jointIncrease)));
    expect(r.stderr).toContain(`allocation: kept round ${chosen + 1} `);
    expect(Math.abs(result.compressionRatio / 20 - 1)).toBeLessThan(0.05);
    const off = (result.fileBytes / result.allocation.goal.value - 1) * 100;
    expect(r.stderr).toContain(`size target ${result.allocation.goal.value.toLocaleString('en')} B: the file is ${Math.abs(off).toFixed(1)}% ${off > 0 ? 'larger' : 'smaller'}`);
    expect(r.stderr).toMatch(/allocation: fc1 \(50,176 weights\): /);
    expect(result.testError).toBeLessThan(result.baselineTestError + 5);
  });

  it('--no-retrain compresses without data (post-training), where nothing is measured; without --sparsity and --bits it prunes nothing and codes in 8 bits, and test digits keep their error', async () => {
    const out = join(dir, 'post.dcm');
    const { result } = await dcJson('compress', modelJson, '--no-retrain', '-o', out, '--sparsity', '0.5');
    expect(result).toMatchObject({ testError: null, baselineTestError: null, trainingBackend: null, trainSamples: 0, settings: { sparsity: { '*': 0.5 }, bits: 8 } });
    expect(result.fileBytes).toBe(statSync(out).size);
    // Without --sparsity and --bits nothing is pruned and codes have 8 bits (a preset's sparsity assumes retraining): the test digits keep their error.
    const measured = (await dcJson('compress', modelJson, '--no-retrain', '--data', mnistDir, '--train-limit', '100', '--test-limit', '1000', '-o', join(dir, 'post-defaults.dcm'))).result;
    expect(measured.settings).toMatchObject({ sparsity: 0, bits: 8 });
    expect(Math.abs(measured.testError - measured.baselineTestError)).toBeLessThanOrEqual(0.3);
    // Pruned hard without retraining, the file falls behind; the advice names what a --no-retrain run can do, not the retraining flags it refuses.
    const harsh = await dc('compress', modelJson, '--no-retrain', '--sparsity', '0.95', '--bits', '2', '--data', mnistDir, '--train-limit', '100', '--test-limit', '1000', '-o', join(dir, 'post-harsh.dcm'));
    expect(harsh.stdout).toMatch(/\nadvice: the file's test error [\d.]+ pp above the original's: let dc choose each tensor's sparsity and bits within a fidelity budget on inputs like your data \(--calibration <inputs>/);
    expect(harsh.stdout).not.toContain('--prune-epochs');
  });

  it('retraining that turns the weights NaN (--prune-lr 1e38) stops after its first epoch with TRAINING_DIVERGED naming the stage, the tensor and the flag, and writes nothing', async () => {
    const out = join(dir, 'diverged.dcm');
    const r = await dc('compress', modelJson, '--data', mnistDir, '-o', out, '--train-limit', '500', '--test-limit', '100', '--sparsity', '0.5', '--prune-epochs', '3', '--prune-lr', '1e38', '--json');
    expect(r.code).toBe(1);
    const { error } = JSON.parse(r.stdout);
    expect(error.code).toBe('TRAINING_DIVERGED');
    expect(error.message).toMatch(/stage "dc:prune": retraining diverged in epoch 1 at learning rate 1e\+38: tensor "\w+\/\w+"/);
    expect(error.hint).toContain('--prune-lr');
    expect(r.stderr).not.toMatch(/epoch 2\/3/);
    expect(existsSync(out)).toBe(false);
  });

  describe('bad input fails with a code and a hint before any stage runs, and writes nothing', () => {
    const expectRefused = async (args: string[], code: RegExp) => {
      const out = join(dir, 'refused.dcm');
      if (existsSync(out)) unlinkSync(out);
      const r = await dc('compress', ...args, '-o', out, '--json');
      expect(r.code).toBe(1);
      const { error } = JSON.parse(r.stdout);
      expect(error.code).toMatch(code);
      expect(error.hint ?? '').not.toBe('');
      expect(r.stderr).not.toMatch(/stage 1\//);
      expect(existsSync(out)).toBe(false);
      return error as { code: string; message: string; hint: string };
    };

    it('an unsupported layer and a custom layer class: UNSUPPORTED_LAYER naming the layer and class', async () => {
      for (const cls of ['Conv3D', 'MyCustomLayer']) {
        const e = await expectRefused([withClass(modelJson, 'relu', cls), '--data', mnistDir], /^UNSUPPORTED_LAYER$/);
        expect(e.message).toContain(`layer "relu" (${cls})`);
      }
    });

    it('a model.json whose weights file is missing: MODEL_WEIGHTS_MISSING', async () => {
      const copy = join(dir, 'no-weights');
      cpSync(dirname(modelJson), copy, { recursive: true });
      unlinkSync(join(copy, 'weights.bin'));
      const e = await expectRefused([join(copy, 'model.json'), '--data', mnistDir], /^MODEL_WEIGHTS_MISSING$/);
      expect(e.message).toContain('weights.bin');
    });

    it('data whose samples do not fit the input, labels out of range, and inputs with a missing value (NaN): DATA_MISMATCH', async () => {
      writeFileSync(join(dir, 'x-wrong.npy'), Buffer.from(dump(new Float32Array(8 * 100), [8, 100])));
      writeFileSync(join(dir, 'y8.npy'), Buffer.from(dump(new Int32Array(8), [8])));
      const shape = await expectRefused([modelJson, '--data', join(dir, 'x-wrong.npy'), '--labels', join(dir, 'y8.npy')], /^DATA_MISMATCH$/);
      expect(shape.message).toMatch(/\[100\].*\[28, 28, 1\]/);
      writeFileSync(join(dir, 'x.npy'), Buffer.from(dump(new Float32Array(8 * 784), [8, 28, 28, 1])));
      writeFileSync(join(dir, 'y-bad.npy'), Buffer.from(dump(Int32Array.of(0, 1, 2, 3, 4, 5, 6, 10), [8])));
      const labels = await expectRefused([modelJson, '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y-bad.npy')], /^DATA_MISMATCH$/);
      expect(labels.message).toMatch(/label 10 of sample 7/);
      const missing = new Float32Array(8 * 784);
      missing[3 * 784 + 100] = Number.NaN;
      writeFileSync(join(dir, 'x-nan.npy'), Buffer.from(dump(missing, [8, 28, 28, 1])));
      const nan = await expectRefused([modelJson, '--data', join(dir, 'x-nan.npy'), '--labels', join(dir, 'y8.npy')], /^DATA_MISMATCH$/);
      expect(nan.message).toMatch(/value 100 of sample 3 is NaN/);
      // Calibration inputs too, for post-training compression.
      const calibration = await expectRefused([modelJson, '--no-retrain', '--calibration', join(dir, 'x-nan.npy')], /^DATA_MISMATCH$/);
      expect(calibration.message).toMatch(/value 100 of sample 3 is NaN/);
    });

    it('a goal flag that cannot be planned as asked: INVALID_OPTION naming the flag', async () => {
      const refused = async (args: string[], flag: string, words: RegExp) => {
        const e = await expectRefused([modelJson, ...args], /^INVALID_OPTION$/);
        expect(e.message).toMatch(words);
        expect(JSON.stringify(e)).toContain(flag);
      };
      await refused(['--data', mnistDir, '--target-ratio', '20', '--target-bytes', '5000'], '--target-bytes', /one goal/);
      await refused(['--data', mnistDir, '--target-ratio', '20', '--bits', '4'], '--target-ratio', /--sparsity and --bits set them by hand/);
      await refused(['--data', mnistDir, '--max-error-increase', '0.5', '--seeded-connectivity', '3'], '--max-error-increase', /--seeded-connectivity/);
      await refused(['--data', mnistDir, '--target-ratio', '1'], '--target-ratio', /above 1/);
      await refused(['--data', mnistDir, '--bit-levels', '4,5'], '--bit-levels', /no goal was given/);
      await refused(['--no-retrain', '--calibration', mnistDir, '--target-bytes', '5000', '--bit-levels', '4,5'], '--bit-levels', /post-training planner/);
      await refused(['--data', mnistDir, '--sensitivity-samples', '500'], '--sensitivity-samples', /no goal was given/);
      await refused(['--no-retrain', '--calibration', mnistDir, '--target-bytes', '5000', '--sensitivity-samples', '500'], '--sensitivity-samples', /measures on --calibration/);
      await refused(['--data', mnistDir, '--recovery-rounds', '2'], '--recovery-rounds', /no goal was given/);
      await refused(['--data', mnistDir, '--target-ratio', '20', '--recovery-rounds', '9'], '--recovery-rounds', /at most 8/);
      await refused(['--no-retrain', '--calibration', mnistDir, '--target-bytes', '5000', '--recovery-samples', '500'], '--recovery-samples', /measures on --calibration/);
      await refused(['--no-retrain', '--target-ratio', '20'], '--target-ratio', /--no-retrain trains nothing/);
      await refused(['--no-retrain', '--calibration', mnistDir, '--max-error-increase', '0.5'], '--max-output-drift', /bounded by --max-output-drift/);
    });

    it('no data without --no-retrain: INVALID_OPTION', async () => {
      await expectRefused([modelJson], /^INVALID_OPTION$/);
    });

    it('a thread count that is neither a positive integer nor auto: a usage error naming the flag', async () => {
      // (commander's usage error, printed with the usage; exit 1)
      const r = await dc('compress', modelJson, '--data', mnistDir, '-o', join(dir, 'refused.dcm'), '--training-threads', '0');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('--training-threads must be a positive integer, got "0"');
      expect(existsSync(join(dir, 'refused.dcm'))).toBe(false);
    });
  });
});
