import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Model } from '../ir/model.js';
import { validateModel } from '../ops/validate-model.js';
import { requiredOpset } from '../ops/opset.js';
import { thrownError } from '../testing/error-code.js';
import { fromLayersModel } from './convert-from.js';
import { toLayersModel } from './convert-to.js';

/** A sequence model that drops whole feature columns, the same ones at every step (noiseShape [null, 1, null]). */
function stepShared(noiseShape: (number | null)[]): tf.LayersModel {
  return tf.sequential({
    name: 'step-shared',
    layers: [
      tf.layers.dense({ name: 'proj', units: 16, inputShape: [6, 3], kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
      tf.layers.dropout({ name: 'drop', rate: 0.5, noiseShape: noiseShape as number[] }),
    ],
  });
}

/** The config of the `drop` node (the Dense on a sequence converts to several nodes). */
const dropOf = (model: Model) => model.layers.find((l) => l.name === 'drop')!.config;

describe("Dropout's noiseShape", () => {
  it('becomes sharedAxes (op set 3), and the rebuilt tfjs layer drops the same columns at every step while training', () => {
    const ir = fromLayersModel(stepShared([null, 1, null]));
    expect(dropOf(ir)).toEqual({ kind: 'dropout', rate: 0.5, sharedAxes: [1] });
    expect(requiredOpset(ir)).toBe(3);
    const rebuilt = toLayersModel(ir, tf);
    expect(rebuilt.getLayer('drop').getConfig().noiseShape).toEqual([null, 1, null]);
    // The layer itself, as fit() calls it (training), on the projection's output shape.
    const dropped = tf.tidy(() => (rebuilt.getLayer('drop').apply(tf.ones([4, 6, 16]), { training: true }) as tf.Tensor).arraySync() as number[][][]);
    const zeros = dropped.map((steps) => steps.map((row) => row.map((v) => v === 0)));
    // Every step of a sample has the same zero columns; some are dropped, and samples differ.
    expect(zeros.every((steps) => steps.every((row) => JSON.stringify(row) === JSON.stringify(steps[0])))).toBe(true);
    expect(zeros.flat(2).filter(Boolean).length).toBeGreaterThan(0);
    expect(new Set(zeros.map((steps) => JSON.stringify(steps[0]))).size).toBeGreaterThan(1);
    // At inference it is the identity: the rebuilt model predicts as the original.
    const original = stepShared([null, 1, null]);
    const x = tf.randomNormal([4, 6, 3], 0, 1, 'float32', 2);
    const [want, got] = [original.predict(x) as tf.Tensor, rebuilt.predict(x) as tf.Tensor];
    expect(Math.max(...Array.from(tf.sub(want, got).abs().dataSync()))).toBeLessThan(1e-6);
    tf.dispose([x, want, got]);
    rebuilt.dispose();
    original.dispose();
  });

  it('with no entry of 1 is plain dropout; a noise shape of another rank or with other values is refused by name', () => {
    expect(dropOf(fromLayersModel(stepShared([null, 6, 16])))).toEqual({ kind: 'dropout', rate: 0.5 });
    expect(thrownError(() => fromLayersModel(stepShared([1, 16])))).toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/"drop".*noiseShape \[1,16\] has 2 entries for an input of rank 3/) });
    expect(thrownError(() => fromLayersModel(stepShared([null, 0.5, null])))).toMatchObject({ code: 'UNSUPPORTED_LAYER', message: expect.stringMatching(/only positive integers and null/) });
  });

  it('is checked in a file: strictly increasing axes of the input, on the dropout variant only', () => {
    const model = (config: Record<string, unknown>) => ({ name: 'd', inputShape: [6, 3], layers: [{ name: 'drop', config: { kind: 'dropout', rate: 0.5, ...config }, params: {} }] }) as Parameters<typeof validateModel>[0];
    expect(validateModel(model({ sharedAxes: [0, 2] })).outputShape).toEqual([6, 3]);
    expect(thrownError(() => validateModel(model({ sharedAxes: [3] }))).message).toMatch(/sharedAxes \[3\] are not axes of a rank-3 input/);
    expect(thrownError(() => validateModel(model({ sharedAxes: [2, 1] }))).message).toMatch(/strictly increasing/);
    expect(thrownError(() => validateModel(model({ sharedAxes: [1], variant: 'gaussianDropout' }))).message).toMatch(/dropout variant only/);
  });
});
