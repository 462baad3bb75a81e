/**
 * A {@link RuntimeBackend} whose work happens in the Chromium page: `prepare` sends the compressed
 * model to the page (where the real WebGPU backend prepares it) and `run` sends each batch. It lets
 * the unchanged conformance suite run against WebGPU in the browser.
 */
import type { Page } from 'playwright-core';
import type { PreparedModel, RuntimeBackend } from '../../backend.js';
import type { CompressedModel } from '@dc/core';
import type { ThroughputResult } from '../bench-loop.js';
import type { TfjsComparisonRow } from '../bench-tfjs.js';
import { toWire } from './wire-model.js';

/** The page-side API of `test-browser/entry.ts`, as seen from Node. */
interface PageApi {
  prepare(wire: unknown, which?: 'webgpu' | 'cpu'): Promise<number>;
  run(id: number, input: Float32Array, batch: number): Promise<Float32Array>;
  dispose(id: number): void;
  bench(id: number, batch: number, minMs: number): Promise<ThroughputResult>;
  /** Only on the benchmark page (test-browser/bench.html). */
  benchAgainstTfjs(wire: unknown, batches: number[], minMs: number): Promise<TfjsComparisonRow[]>;
  adapter(): Promise<string>;
}

type PageWindow = typeof globalThis & { dcPage: PageApi };

/** Prepares `source` (a compressed model, or the URL path of a .dcm file served to the page) in the page. */
export async function prepareInPage(page: Page, source: Parameters<typeof toWire>[0] | string, which: 'webgpu' | 'cpu' = 'webgpu'): Promise<PreparedModel> {
  const wire = typeof source === 'string' ? source : toWire(source);
  const id = await page.evaluate(([w, k]) => (window as unknown as PageWindow).dcPage.prepare(w, k), [wire, which] as const);
  return {
    async run(input, batch) {
      const out = await page.evaluate(([i, x, n]) => (window as unknown as PageWindow).dcPage.run(i, x, n), [id, input, batch] as const);
      // Playwright hands typed arrays back as typed arrays; guard against a plain array all the same.
      return out instanceof Float32Array ? out : Float32Array.from(out as ArrayLike<number>);
    },
    dispose() {
      void page.evaluate((i) => (window as unknown as PageWindow).dcPage.dispose(i), id).catch(() => undefined);
    },
  };
}

/** The WebGPU backend of the page, driven from Node. */
export function browserWebGpuBackend(page: Page): RuntimeBackend {
  return { name: 'webgpu', prepare: (model) => prepareInPage(page, model.compressed) };
}

/** Throughput of the page's WebGPU backend on `model` (or a .dcm path served to the page) at each batch size (see bench-loop.ts). */
export async function benchInPage(page: Page, model: CompressedModel | string, batches: readonly number[], minMs: number): Promise<ThroughputResult[]> {
  const id = await page.evaluate((w) => (window as unknown as PageWindow).dcPage.prepare(w, 'webgpu'), typeof model === 'string' ? model : toWire(model));
  const results: ThroughputResult[] = [];
  for (const batch of batches) {
    results.push(await page.evaluate(([i, b, ms]) => (window as unknown as PageWindow).dcPage.bench(i, b, ms), [id, batch, minMs] as const));
  }
  await page.evaluate((i) => (window as unknown as PageWindow).dcPage.dispose(i), id);
  return results;
}

/** The page's backend against tfjs-backend-webgpu's dense network (see bench-tfjs.ts), on `model` or a .dcm path served to the page; needs the benchmark page. */
export function benchAgainstTfjsInPage(page: Page, model: CompressedModel | string, batches: readonly number[], minMs: number): Promise<TfjsComparisonRow[]> {
  const wire = typeof model === 'string' ? model : toWire(model);
  return page.evaluate(([w, b, ms]) => (window as unknown as PageWindow).dcPage.benchAgainstTfjs(w, [...b], ms), [wire, batches, minMs] as const);
}

/** The page's adapter description (or why there is none). */
export function pageAdapter(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as PageWindow).dcPage.adapter());
}
