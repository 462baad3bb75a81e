import type { Model } from '@dc/core';
import type { DemoResult } from '../result.js';
import type { DemoBench } from '../steps/bench.js';
import type { ChartData } from './charts.js';
import { weightHistograms } from './histogram.js';
import type { LayerRow } from './table.js';

type Rounds = { round: number; accuracy?: number }[];

/** Gathers what the HTML report plots from a run's result. */
export function chartData(result: DemoResult, fileAccuracy: number, baselineAccuracy: number, phases: { phase: string; model: Model }[], bench?: DemoBench): ChartData {
  const accuracy: ChartData['accuracy'] = [{ step: 'baseline', order: 0, accuracy: baselineAccuracy, source: 'trainer' }];
  const sizes: ChartData['sizes'] = [{ step: 'baseline (float32)', order: 0, bytes: result.originalBytes, measured: false }];
  const names = result.pipeline.stages.map((s) => s.name);
  result.pipeline.stages.forEach((stage, i) => {
    // Steps are the x categories: a stage used twice (a second, polishing dc:prune) gets "#2".
    const name = names.indexOf(stage.name) === names.lastIndexOf(stage.name) ? stage.name : `${stage.name} #${names.slice(0, i + 1).filter((n) => n === stage.name).length}`;
    const rounds = (stage.metrics.rounds ?? []) as unknown as Rounds;
    for (const r of rounds) {
      if (r.accuracy !== undefined) accuracy.push({ step: `${name} round ${r.round}`, order: accuracy.length, accuracy: r.accuracy, source: 'trainer' });
    }
    if (stage.accuracy !== undefined) accuracy.push({ step: `after ${name}`, order: accuracy.length, accuracy: stage.accuracy, source: 'trainer' });
    sizes.push({ step: name, order: i + 1, bytes: stage.bytesAfter, measured: typeof stage.metrics.fileBytes === 'number' });
  });
  accuracy.push({ step: 'written file (sparse runtime)', order: accuracy.length, accuracy: fileAccuracy, source: '@dc/sparse-runtime' });
  const layers = (result.layers as unknown as LayerRow[]).map((r) => ({
    layer: r.tensor.replace(/\/kernel$/, ''),
    keptPercent: r.keptFraction * 100,
    weightBits: r.weightBits?.coded ?? 0,
    indexBits: r.indexBits?.coded ?? 0,
  }));
  return {
    accuracy,
    sizes,
    layers,
    histograms: weightHistograms(phases),
    bench: (bench?.rows ?? []).map((r) => ({ backend: r.backend, batch: String(r.batch), samplesPerSecond: r.samplesPerSecond })),
  };
}
