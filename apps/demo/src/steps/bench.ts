import type { ImageSet } from '@dc/core/mnist';
import { runRuntimeBench } from '@dc/sparse-runtime/bench';

/** One measured configuration. */
export interface BenchRow {
  backend: string;
  batch: number;
  /** Median milliseconds per batch. */
  msPerBatch: number;
  samplesPerSecond: number;
}

/** The runtime benchmark of a written file: load time and throughput, sparse cpu vs dense tfjs, side by side. */
export interface DemoBench {
  loadMs: number;
  rows: BenchRow[];
  /** Dense tfjs ms ÷ sparse cpu ms per batch size: above 1 means the compressed runtime is faster. */
  speedup: Record<string, number>;
}

/**
 * Times the `.dcm` file at `path` on the sparse cpu backend against the dense network of the same
 * weights on tfjs-wasm, interleaved in one process: `runRuntimeBench` of `@dc/sparse-runtime/bench`,
 * the benchmark `pnpm bench` runs, so the demo's ratios and the runtime README's are one measure.
 * The test images are the inputs.
 */
export async function benchFile(path: string, test: ImageSet, batches: readonly number[] = [1, 1000]): Promise<DemoBench> {
  // One thread: the demo reports the single-thread ratios (`pnpm bench --only runtime` adds all cores).
  const r = await runRuntimeBench({ file: path, inputs: test.images, inputsLabel: 'MNIST test images', batchSizes: batches, threads: 1 });
  const rows: BenchRow[] = r.rows.flatMap((row) => [
    { backend: 'sparse cpu (@dc/sparse-runtime)', batch: row.batch, msPerBatch: row.cpuMs, samplesPerSecond: (row.batch / row.cpuMs) * 1000 },
    { backend: `dense tfjs-${r.environment.tfjsBackend}`, batch: row.batch, msPerBatch: row.denseWasmMs, samplesPerSecond: (row.batch / row.denseWasmMs) * 1000 },
  ]);
  return { loadMs: r.load.totalMs, rows, speedup: Object.fromEntries(r.rows.map((row) => [`batch${row.batch}`, row.speedup])) };
}
