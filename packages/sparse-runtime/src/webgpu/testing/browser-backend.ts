/**
 * A {@link RuntimeBackend} whose work happens in the Chromium page: `prepare` sends the compressed
 * model to the page (where the real WebGPU backend prepares it) and `run` sends each batch. It lets
 * the unchanged conformance suite run against WebGPU in the browser.
 */
import type { Page } from 'playwright-core';
import type { PreparedModel, RuntimeBackend } from '../../backend.js';
import type { CompressedModel } from '@dc/core';
import type { ThroughputResult } from '../bench-loop.js';
import { toWire } from './wire-model.js';

/** The page-side API of `test-browser/entry.ts`, as seen from Node. */
interface PageApi {
  prepare(wire: unknown, which?: 'webgpu' | 'cpu'): Promise<number>;
  run(id: number, input: Float32Array, batch: number): Promise<Float32Array>;
  dispose(id: number): void;
  bench(id: number, inputSize: number, batch: number, minMs: number): Promise<ThroughputResult>;
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

/** Throughput of the page's WebGPU backend on `model` at each batch size (see bench-loop.ts). */
export async function benchInPage(page: Page, model: CompressedModel, batches: readonly number[], minMs: number): Promise<ThroughputResult[]> {
  const id = await page.evaluate((w) => (window as unknown as PageWindow).dcPage.prepare(w, 'webgpu'), toWire(model));
  const inputSize = model.inputShape.reduce((a, b) => a * b, 1);
  const results: ThroughputResult[] = [];
  for (const batch of batches) {
    results.push(await page.evaluate(([i, n, b, ms]) => (window as unknown as PageWindow).dcPage.bench(i, n, b, ms), [id, inputSize, batch, minMs] as const));
  }
  await page.evaluate((i) => (window as unknown as PageWindow).dcPage.dispose(i), id);
  return results;
}
