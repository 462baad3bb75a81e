import { toDenseModel } from '@dc/core';
import type { ImageSet } from '@dc/core/mnist';
import { toLayersModel } from '@dc/core/tfjs';
import { createSession, loadCompressedModel } from '@dc/sparse-runtime';
import { createCpuBackend } from '@dc/sparse-runtime/cpu';
import type * as tf from '@tensorflow/tfjs';

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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn: () => Promise<unknown> | unknown, budgetMs: number, maxReps: number): Promise<number> {
  await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxReps && (times.length < 3 || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Times the `.dcm` file at `path` on the sparse cpu backend against its dense reconstruction on tfjs (`tfjs`'s active backend). */
export async function benchFile(path: string, test: ImageSet, tfjs: typeof tf, batches: readonly number[] = [1, 1000]): Promise<DemoBench> {
  const t0 = performance.now();
  const loaded = await loadCompressedModel(path);
  const session = await createSession(loaded, { backend: createCpuBackend() });
  const loadMs = performance.now() - t0;
  const dense = toLayersModel(toDenseModel(loaded.compressed), tfjs);
  const rows: BenchRow[] = [];
  const speedup: Record<string, number> = {};
  const px = test.height * test.width;
  try {
    for (const batch of batches) {
      const n = Math.min(batch, test.count);
      const x = test.images.slice(0, n * px);
      const sparseMs = await time(() => session.predict(x, n), 1500, 2000);
      const xt = tfjs.tensor(x, [n, ...loaded.inputShape]);
      const denseMs = await time(() => tfjs.tidy(() => (dense.predict(xt) as tf.Tensor).dataSync()), 1500, 2000);
      xt.dispose();
      rows.push({ backend: 'sparse cpu (@dc/sparse-runtime)', batch: n, msPerBatch: sparseMs, samplesPerSecond: (n / sparseMs) * 1000 });
      rows.push({ backend: `dense tfjs-${tfjs.getBackend()}`, batch: n, msPerBatch: denseMs, samplesPerSecond: (n / denseMs) * 1000 });
      speedup[`batch${n}`] = denseMs / sparseMs;
    }
  } finally {
    session.dispose();
    dense.dispose();
  }
  return { loadMs, rows, speedup };
}
