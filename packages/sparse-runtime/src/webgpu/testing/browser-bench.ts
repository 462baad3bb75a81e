/**
 * The WebGPU benchmark in headless Chromium (for `pnpm bench --only webgpu`): each `.dcm` file is
 * served to the test page, which measures this backend alone and side by side with
 * `@tensorflow/tfjs-backend-webgpu` on the dense reconstruction (see bench-tfjs.ts). Repository
 * tooling (vite, playwright-core, Debian's chromium), not part of the published package.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ThroughputResult } from '../bench-loop.js';
import type { TfjsComparisonRow } from '../bench-tfjs.js';
import { loadCompressedModel } from '../../model/load.js';
import { keptWeights } from '../bench-webgpu.js';
import { benchAgainstTfjsInPage, benchInPage, pageAdapter } from './browser-backend.js';
import { chromiumMissing, chromiumVersion, openChromiumPage } from './chromium-page.js';

/** One file measured in the page. */
export interface BrowserBenchResult {
  /** E.g. `headless Chromium 156.0.7500.1`. */
  readonly where: string;
  readonly adapter: string;
  readonly file: string;
  /** The model's name and the kept weights of its kernels. */
  readonly model: string;
  readonly keptWeights: number;
  readonly results: readonly ThroughputResult[];
  readonly tfjsWebGpu: readonly TfjsComparisonRow[];
}

/** Options of {@link runWebGpuBrowserBench}. */
export interface BrowserBenchOptions {
  /** `.dcm` paths, each with its batch sizes. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly batches: readonly number[] }>;
  /** Minimum measuring time per batch size (ms). */
  readonly minMs: number;
}

/** Runs the benchmark in headless Chromium; throws with the reason when Chromium is missing. */
export async function runWebGpuBrowserBench(o: BrowserBenchOptions): Promise<BrowserBenchResult[]> {
  const missing = chromiumMissing();
  if (missing) throw new Error(`webgpu browser bench: ${missing}`);
  const harness = await openChromiumPage('bench');
  try {
    const adapter = await pageAdapter(harness.page);
    const where = `headless Chromium ${chromiumVersion()}`;
    const out: BrowserBenchResult[] = [];
    for (const { path, batches } of o.files) {
      const url = `/${basename(path)}`;
      const bytes = new Uint8Array(await readFile(path));
      const cm = (await loadCompressedModel(bytes)).compressed;
      harness.serve(url, bytes);
      const results = await benchInPage(harness.page, url, batches, o.minMs);
      const tfjsWebGpu = await benchAgainstTfjsInPage(harness.page, url, batches, o.minMs);
      out.push({ where, adapter, file: path, model: cm.name, keptWeights: keptWeights(cm), results, tfjsWebGpu });
    }
    return out;
  } finally {
    await harness.close();
  }
}
