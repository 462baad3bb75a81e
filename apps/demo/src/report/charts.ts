import type { TopLevelSpec } from 'vega-lite';
import type { HistogramBin } from './histogram.js';

/** The data the report plots. */
export interface ChartData {
  /** Test accuracy after each step (baseline, each pruning round, clustering, the written file). */
  accuracy: { step: string; order: number; accuracy: number; source: string }[];
  /** Size after each step in bytes (float32 baseline, each stage's estimate, the written file). */
  sizes: { step: string; order: number; bytes: number; measured: boolean }[];
  /** Per layer: kept % and bits per weight / per index after Huffman coding. */
  layers: { layer: string; keptPercent: number; weightBits: number; indexBits: number }[];
  histograms: HistogramBin[];
  /** Runtime speed: one row per backend × batch size. */
  bench: { backend: string; batch: string; samplesPerSecond: number }[];
}

const WIDTH = 520;

/**
 * The y encoding of bars on a log scale. A bar's default baseline is zero, which is -∞ on a log
 * axis: every bar came out with zero height. Here they start at the power of ten at or below the
 * smallest value, which is also where the axis starts.
 */
function logBars(field: string, values: readonly number[]) {
  const positive = values.filter((v) => v > 0);
  const base = positive.length ? 10 ** Math.floor(Math.log10(Math.min(...positive))) : 1;
  return {
    y: { field, type: 'quantitative', scale: { type: 'log', domainMin: base } },
    y2: { datum: base },
  } as const;
}

/** Test accuracy after every stage and round. */
export function accuracyChart(data: ChartData['accuracy']): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Test accuracy after each step',
    width: WIDTH,
    height: 240,
    data: { values: data },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'step', type: 'ordinal', sort: { field: 'order' }, axis: { labelAngle: -30 } },
      y: { field: 'accuracy', type: 'quantitative', scale: { zero: false }, axis: { format: '.2%' } },
      tooltip: [{ field: 'step' }, { field: 'accuracy', format: '.2%' }, { field: 'source' }],
    },
  };
}

/** Model size after each stage, log scale. */
export function sizeChart(data: ChartData['sizes']): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Size after each stage (bytes, log scale)',
    width: WIDTH,
    height: 240,
    data: { values: data },
    mark: 'bar',
    encoding: {
      x: { field: 'step', type: 'ordinal', sort: { field: 'order' }, axis: { labelAngle: -30 } },
      ...logBars('bytes', data.map((d) => d.bytes)),
      color: { field: 'measured', type: 'nominal', title: 'file bytes measured' },
    },
  };
}

/** Per-layer kept % and bits. */
export function layerChart(data: ChartData['layers']): TopLevelSpec {
  const rows = data.flatMap((d) => [
    { layer: d.layer, metric: 'kept %', value: d.keptPercent },
    { layer: d.layer, metric: 'weight bits (Huffman)', value: d.weightBits },
    { layer: d.layer, metric: 'index bits (Huffman)', value: d.indexBits },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Per layer: kept % and bits per weight',
    data: { values: rows },
    facet: { column: { field: 'metric', type: 'nominal', title: null } },
    spec: { width: 160, height: 180, mark: 'bar', encoding: { x: { field: 'layer', type: 'nominal' }, y: { field: 'value', type: 'quantitative' } } },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Weight histograms per layer, before pruning / after pruning / after clustering. */
export function histogramChart(data: HistogramBin[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Nonzero weights per layer',
    data: { values: data },
    facet: { row: { field: 'layer', type: 'nominal' }, column: { field: 'phase', type: 'nominal', sort: ['baseline', 'pruned', 'clustered'] } },
    spec: {
      width: 200,
      height: 110,
      mark: 'bar',
      encoding: {
        x: { field: 'start', type: 'quantitative', bin: { binned: true }, title: 'weight' },
        x2: { field: 'end' },
        y: { field: 'count', type: 'quantitative' },
      },
    },
    resolve: { scale: { y: 'independent', x: 'independent' } },
  };
}

/** Runtime throughput per backend and batch size. */
export function benchChart(data: ChartData['bench']): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Inference throughput (samples/s, log scale)',
    data: { values: data },
    width: 240,
    height: 200,
    mark: 'bar',
    encoding: {
      column: { field: 'batch', type: 'nominal', title: 'batch size' },
      x: { field: 'backend', type: 'nominal' },
      ...logBars('samplesPerSecond', data.map((d) => d.samplesPerSecond)),
      color: { field: 'backend', type: 'nominal' },
    },
  };
}
