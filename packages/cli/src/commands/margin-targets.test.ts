import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { dump } from 'npyjs';
import { describe, expect, it } from 'vitest';
import { dc } from '../run-dc.test-support.js';
import { savedModel } from './conv-fixture.test-support.js';

describe('a margin classifier (hinge) given its −1/1 labels as --targets', () => {
  it('says, when every margin is past 1 (a loss of 0, which no goal can take shares of), to give them as --labels; nothing is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-margin-'));
    // One linear margin 5·x0 on points whose first feature is ±1 or ±2: every margin is 5 or more.
    const n = 64;
    const xs = Float32Array.from({ length: n * 2 }, (_, i) => (i % 2 === 1 ? 0.1 * ((i % 7) - 3) : (i % 4 === 0 ? 1 : -1) * (1 + (i % 3 === 0 ? 1 : 0))));
    const targets = Float32Array.from({ length: n }, (_, i) => Math.sign(xs[2 * i]));
    writeFileSync(join(dir, 'x.npy'), Buffer.from(dump(xs, [n, 2])));
    writeFileSync(join(dir, 't.npy'), Buffer.from(dump(targets, [n, 1])));
    const lm = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], name: 'margin' })] });
    lm.setWeights([tf.tensor2d([[5], [0]]), tf.tensor1d([0])]);
    const modelJson = await savedModel(lm, join(dir, 'model'), 'hinge');
    const out = join(dir, 'svm.dcm');
    const r = await dc('compress', modelJson, '--data', join(dir, 'x.npy'), '--targets', join(dir, 't.npy'), '--target-ratio', '2', '-o', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/INVALID_OPTION: .*the unchanged model's validation loss is 0;/);
    expect(r.stderr).toMatch(/A classifier trained by hinge has a loss of 0 once every margin is past 1: give its labels −1\/1 \(or 0\/1\) with --labels/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
