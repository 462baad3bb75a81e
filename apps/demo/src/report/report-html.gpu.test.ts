/**
 * report.html in headless Chromium (Debian's, through playwright-core): every chart draws its
 * data. The size and throughput charts used to come out empty (log-scale bars whose baseline was
 * zero, i.e. -∞): every mark had zero height. In the `gpu` project with the other Chromium tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapParams } from '@dc/core';
import { tinyDenseModel } from '@dc/core/testing';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium } from '../web/testing/chromium.js';
import type { ChartData } from './charts.js';
import { weightHistograms } from './histogram.js';
import { renderHtml } from './html.js';

const missing = chromiumMissing();

/** Figures of a real `pnpm demo` run (LeNet-300-100, quick), as its report.json has them. */
function demoChartData(): ChartData {
  const baseline = tinyDenseModel(1);
  const pruned = mapParams(baseline, ({ tensor: t }) => ({ ...t, values: t.values.map((v) => (Math.abs(v) < 0.05 ? 0 : v)) }));
  const clustered = mapParams(pruned, ({ tensor: t }) => ({ ...t, values: t.values.map((v) => Math.round(v * 20) / 20) }));
  return {
    accuracy: [
      { step: 'baseline', order: 0, accuracy: 0.9833, source: 'trainer' },
      { step: 'dc:prune round 1', order: 1, accuracy: 0.9835, source: 'trainer' },
      { step: 'dc:prune round 2', order: 2, accuracy: 0.9822, source: 'trainer' },
      { step: 'dc:prune round 3', order: 3, accuracy: 0.982, source: 'trainer' },
      { step: 'after dc:cluster', order: 4, accuracy: 0.9826, source: 'trainer' },
      { step: 'written file (sparse runtime)', order: 5, accuracy: 0.9826, source: '@dc/sparse-runtime' },
    ],
    sizes: [
      { step: 'baseline (float32)', order: 0, bytes: 1_066_440, measured: false },
      { step: 'dc:prune', order: 1, bytes: 1_066_440, measured: false },
      { step: 'dc:cluster', order: 2, bytes: 1_066_440, measured: false },
      { step: 'dc:huffman', order: 3, bytes: 27_488, measured: true },
    ],
    layers: [
      { layer: 'ip1', keptPercent: 8, weightBits: 4.3703, indexBits: 4.639 },
      { layer: 'ip2', keptPercent: 9, weightBits: 4.2993, indexBits: 4.7881 },
      { layer: 'ip3', keptPercent: 26, weightBits: 4.2769, indexBits: 3.3538 },
    ],
    histograms: weightHistograms([
      { phase: 'baseline', model: baseline },
      { phase: 'pruned', model: pruned },
      { phase: 'clustered', model: clustered },
    ]),
    bench: [
      { backend: 'sparse cpu (@dc/sparse-runtime)', batch: '1', samplesPerSecond: 90_654 },
      { backend: 'dense tfjs-wasm', batch: '1', samplesPerSecond: 3_665 },
      { backend: 'sparse cpu (@dc/sparse-runtime)', batch: '1000', samplesPerSecond: 109_201 },
      { backend: 'dense tfjs-wasm', batch: '1000', samplesPerSecond: 3_468 },
    ],
  };
}

interface ChartMarks {
  /** The figure's `data-chart`. */
  chart: string;
  /** Marks (bars, lines, points) whose box has a non-zero width and height. */
  drawn: number;
  /** Marks with an empty box. */
  empty: number;
}

let work: string;
let browser: BrowserContext;

describe.skipIf(missing !== undefined)(`report.html in headless Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'dc-report-'));
    browser = await launchChromium(work);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('draws every chart with marks of non-zero size, one bar per row of data', async () => {
    const data = demoChartData();
    const html = await renderHtml('Deep Compression of lenet-300-100 (quick)', [['file', '27,488 bytes']], 'ip1 ...', data);
    const page = await browser.newPage();
    await page.setContent(html);
    const charts: ChartMarks[] = await page.$$eval('figure[data-chart]', (figures) =>
      figures.map((figure) => {
        const chart = (figure as HTMLElement).dataset.chart ?? '';
        const svg = figure.querySelector('svg')!;
        let drawn = 0;
        let empty = 0;
        for (const mark of Array.from(svg.querySelectorAll<SVGGraphicsElement>('.mark-rect > path, .mark-line > path, .mark-symbol > path'))) {
          if (mark.closest('.role-legend')) continue; // a legend's swatches are not data
          const box = mark.getBBox();
          if (box.width > 0 && box.height > 0) drawn++;
          else empty++;
        }
        return { chart, drawn, empty };
      }),
    );
    await page.close();
    const by = Object.fromEntries(charts.map((c) => [c.chart, c]));
    expect(charts.map((c) => c.chart)).toEqual(['accuracy', 'size', 'layers', 'throughput', 'histograms']);
    // Empty bins of a histogram are the only marks allowed to be empty.
    const emptyBins = data.histograms.filter((b) => b.count === 0).length;
    for (const c of charts) expect(c.empty, c.chart).toBe(c.chart === 'histograms' ? emptyBins : 0);
    expect(by.size.drawn).toBe(data.sizes.length);
    expect(by.throughput.drawn).toBe(data.bench.length);
    expect(by.layers.drawn).toBe(data.layers.length * 3);
    // One line plus a point per step.
    expect(by.accuracy.drawn).toBe(1 + data.accuracy.length);
    expect(by.histograms.drawn).toBe(data.histograms.length - emptyBins);
  });
});
