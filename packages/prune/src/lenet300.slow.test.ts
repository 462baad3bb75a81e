/**
 * The paper's pruning figure on real MNIST: LeNet-300-100 pruned to ≤ 8% of its weights with test
 * error ≤ baseline error + 0.1 percentage point (Han et al. keep 8% at 1.59% error). Trains on
 * tfjs-wasm with Adam.
 *
 * Baseline: the slow project's global setup puts the demo's shipped checkpoint (20 epochs at 1e-3
 * + 2 at 1e-4, 1.67% error) into DC_BASELINE_CACHE and it is used as is; without it, this test
 * trains 10 epochs at 1e-3 then DC_POLISH_EPOCHS at 1e-4 (the low-rate epochs matter: the 1e-3
 * epochs alone left 2.19% error).
 *
 * Pruning (defaults): `dc:prune` with per-layer sparsity over 6 rounds (polynomial ramp), 2 epochs
 * of retraining each at 1e-3, then a second `dc:prune` stage with the same targets, which prunes
 * nothing more (the masks are respected) and retrains 6 epochs at 1e-4, 1/10 of the original rate
 * as in the paper. Measured: shipped baseline 1.67% → 1.76% at 7.74% kept (18 epochs, 849 s on a
 * loaded machine). With 3 low-rate epochs it gave 1.63% on 2026-11-28 and 1.79% on 2026-11-29,
 * after the trainer's rewrite (loss through tfjs's categoricalCrossentropy, batches from a data
 * source) changed the float32 rounding of the same training: the recipe sits within a few images
 * of the bound, and the extra low-rate epochs buy 3 of them.
 * Shorter recipes were too close to call: 4 rounds + 2 low-rate epochs gave 1.74% → 1.79% from
 * this test's own baseline (pass) and 1.67% → 1.79% from the shipped one (fail by 2 images);
 * retraining only at 1e-4 recovered too slowly with Adam (2.19% → 2.68% after 4 × 2 epochs).
 *
 * Run: `npx vitest run --project slow packages/prune/src/lenet300.slow.test.ts`. Knobs (env):
 * DC_BASELINE_EPOCHS (10), DC_POLISH_EPOCHS (2, baseline at 1e-4), DC_ROUNDS (6), DC_RETRAIN_EPOCHS (2),
 * DC_RETRAIN_LR (1e-3), DC_FINAL_EPOCHS (6, pruned model at 1e-4), DC_BASELINE_CACHE.
 * Figures are printed and written to `$DC_RESULT_FILE` when set.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPipeline, listParams } from '@dc/core';
import type { Model } from '@dc/core';
import { loadMnist } from '@dc/core/mnist';
import { createTfjsTrainer } from '@dc/core/tfjs';
import { lenet300100, readParamCache, writeParamCache } from '@dc/core/testing';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { pruneLowMagnitude } from './prune-low-magnitude.js';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const BASELINE_EPOCHS = env('DC_BASELINE_EPOCHS', 10);
const ROUNDS = env('DC_ROUNDS', 6);
const POLISH_EPOCHS = env('DC_POLISH_EPOCHS', 2);
const FINAL_EPOCHS = env('DC_FINAL_EPOCHS', 6);
const RETRAIN_EPOCHS = env('DC_RETRAIN_EPOCHS', 2);
const RETRAIN_LR = env('DC_RETRAIN_LR', 1e-3);
const LOW_LR = 1e-4;
/** The paper's per-layer kept shares are 8%, 9%, 26% (8.2% in all); ip1 a little lower to land ≤ 8% in all. */
const SPARSITY = { ip1: 0.925, ip2: 0.91, ip3: 0.74 };

/**
 * The cached baseline, and whether it is already polished at the low rate: a cache with a `source`
 * is the demo's shipped checkpoint (20 epochs at 1e-3 + 2 at 1e-4), put there by the slow project's
 * global setup; one without is the 1e-3 baseline this test (or quantize's, huffman's) trained.
 */
function loadCached(path: string | undefined): { model: Model; polished: boolean; source?: string } | undefined {
  const cached = readParamCache(path, lenet300100(tf));
  if (!cached) return undefined;
  const source = typeof cached.meta.source === 'string' ? cached.meta.source : undefined;
  if (cached.meta.epochs !== BASELINE_EPOCHS && source === undefined) return undefined;
  return { model: cached.model, polished: source !== undefined, ...(source ? { source } : {}) };
}

describe('LeNet-300-100 on real MNIST (tfjs-wasm)', () => {
  it('prunes to ≤ 8% of weights kept with test error ≤ baseline + 0.1 pp', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const mnist = await loadMnist();
    const trainer = createTfjsTrainer({ tf, train: mnist.train, evaluation: mnist.test, batchSize: 128, optimizer: 'adam', seed: 1 });

    const t0 = performance.now();
    const cache = loadCached(process.env.DC_BASELINE_CACHE);
    let baseline = cache?.model;
    if (!baseline) {
      baseline = (await trainer.fineTune(lenet300100(tf), { epochs: BASELINE_EPOCHS, learningRate: 1e-3 })).model;
      writeParamCache(process.env.DC_BASELINE_CACHE, baseline, { epochs: BASELINE_EPOCHS, seconds: (performance.now() - t0) / 1000 });
    }
    if (POLISH_EPOCHS > 0 && !cache?.polished) baseline = (await trainer.fineTune(baseline, { epochs: POLISH_EPOCHS, learningRate: LOW_LR })).model;
    const baselineSeconds = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    const stage = pruneLowMagnitude({
      sparsity: SPARSITY,
      rounds: ROUNDS,
      schedule: { kind: 'polynomial', power: 3 },
      retrain: { epochs: RETRAIN_EPOCHS, learningRate: RETRAIN_LR, optimizer: 'adam' },
    });
    // Same targets: prunes nothing more, only retrains at the low rate with the masks enforced.
    const polish = pruneLowMagnitude({ sparsity: SPARSITY, retrain: { epochs: FINAL_EPOCHS, learningRate: LOW_LR, optimizer: 'adam' } });
    const pipeline = FINAL_EPOCHS > 0 ? createPipeline().use(stage).use(polish) : createPipeline().use(stage);
    const { model, report } = await pipeline.run(baseline, {
      trainer,
      observers: [{ onMessage: (m) => console.log(`[${m.stage}] ${m.message}`) }],
    });
    const pruneSeconds = (performance.now() - t1) / 1000;

    const last = report.stages[report.stages.length - 1];
    const metrics = last.metrics as { total: { keptFraction: number }; layers: { tensor: string; params: number; kept: number; keptFraction: number; threshold: number }[]; rounds: { accuracy: number; maskViolations: number }[] };
    const baselineError = 1 - report.baselineAccuracy!;
    const prunedError = 1 - last.accuracy!;
    const result = {
      backend: trainer.backend,
      baselineEpochs: BASELINE_EPOCHS,
      baselineCached: cache !== undefined,
      baselineSource: cache?.source ?? (cache ? 'cache' : 'trained here'),
      baselinePolishEpochs: cache?.polished ? 'already polished' : POLISH_EPOCHS,
      baselineSeconds,
      baselineErrorPercent: 100 * baselineError,
      rounds: ROUNDS,
      retrainEpochsPerRound: RETRAIN_EPOCHS,
      retrainLearningRate: RETRAIN_LR,
      finalLowRateEpochs: FINAL_EPOCHS,
      pruneSeconds,
      prunedErrorPercent: 100 * prunedError,
      keptPercent: 100 * metrics.total.keptFraction,
      // Thresholds from the pruning stage (the polish stage prunes nothing and reports none).
      layers: metrics.layers.map((l, i) => ({ tensor: l.tensor, params: l.params, keptPercent: 100 * l.keptFraction, threshold: (report.stages[0].metrics.layers as { threshold: number }[])[i].threshold })),
      roundAccuracy: report.stages.flatMap((st) => (st.metrics.rounds as { accuracy: number }[]).map((r) => r.accuracy)),
      paper: { keptPercent: 8, errorPercent: 1.59, baselineErrorPercent: 1.64 },
    };
    console.log(JSON.stringify(result, null, 2));
    if (process.env.DC_RESULT_FILE) writeFileSync(process.env.DC_RESULT_FILE, JSON.stringify(result, null, 2));

    expect(metrics.total.keptFraction).toBeLessThanOrEqual(0.08);
    for (const st of report.stages) expect((st.metrics.rounds as { maskViolations: number }[]).every((r) => r.maskViolations === 0)).toBe(true);
    for (const ref of listParams(model).filter((r) => r.param === 'kernel')) {
      const zeros = ref.tensor.values.filter((v) => Object.is(v, 0)).length;
      expect(zeros).toBe(Math.round(SPARSITY[ref.layer.name as keyof typeof SPARSITY] * ref.tensor.values.length));
    }
    expect(prunedError).toBeLessThanOrEqual(baselineError + 0.001 + 1e-9);
  });
});
