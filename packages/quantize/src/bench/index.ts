/**
 * `@dc/quantize/bench`: ml-kmeans against the sorted 1-D Lloyd path on a LeNet-300-100 first-layer
 * sized tensor (784 × 300 = 235,200 weights), pruned to 8% and unpruned, 32 clusters (5 bits).
 * Both start from the same initial centroids and run to convergence, so time and SSE compare
 * like for like. Called by the repository's `scripts/bench.mjs`.
 */
import { createRandom } from '@dc/core';
import { clusterTensor } from '../cluster-tensor.js';
import type { CentroidInit, ClusterAlgorithm } from '../options.js';

/** Options of {@link runClusterBench}. */
export interface ClusterBenchOptions {
  /** Weights in the tensor; default 235,200. */
  size?: number;
  /** Fraction kept in the pruned case; default 0.08. */
  keep?: number;
  /** Bits (clusters = 2 ** bits); default 5. */
  bits?: number;
  /** Initialisations to run; default `['linear', 'kmeans++']`. */
  inits?: CentroidInit[];
  /** Iteration cap for both algorithms; default 1000. */
  maxIterations?: number;
  seed?: number;
}

/** One measured run. */
export interface ClusterBenchRow {
  case: 'pruned' | 'unpruned';
  algorithm: ClusterAlgorithm;
  init: CentroidInit;
  weights: number;
  clusters: number;
  seconds: number;
  iterations: number;
  converged: boolean;
  sse: number;
}

/** The benchmark's outcome. */
export interface ClusterBenchResult {
  rows: ClusterBenchRow[];
  /** ml-kmeans time / 1-D time, per case and init. */
  speedups: { case: string; init: CentroidInit; speedup: number; sseRatio: number }[];
}

/** Gaussian-looking weights (sum of 4 uniforms), std ≈ 0.05, like a trained dense layer. */
function weights(n: number, seed: number): Float32Array {
  const r = createRandom(seed);
  return Float32Array.from({ length: n }, () => (r.next() + r.next() + r.next() + r.next() - 2) * 0.087);
}

/** Keeps the `keep` fraction of largest magnitudes; returns the mask. */
function magnitudeMask(values: Float32Array, keep: number): Uint8Array {
  const mags = Float32Array.from(values, Math.abs).sort();
  const threshold = mags[Math.floor(mags.length * (1 - keep))];
  return Uint8Array.from(values, (v) => (Math.abs(v) >= threshold ? 1 : 0));
}

/** Runs the benchmark (tens of seconds: ml-kmeans on the unpruned tensor dominates). */
export function runClusterBench(options: ClusterBenchOptions = {}): ClusterBenchResult {
  const { size = 235_200, keep = 0.08, bits = 5, inits = ['linear', 'kmeans++'], maxIterations = 1000, seed = 1 } = options;
  const values = weights(size, seed);
  const cases = { pruned: magnitudeMask(values, keep), unpruned: undefined };
  const rows: ClusterBenchRow[] = [];
  for (const [name, mask] of Object.entries(cases) as ['pruned' | 'unpruned', Uint8Array | undefined][]) {
    for (const init of inits) {
      for (const algorithm of ['lloyd-1d', 'ml-kmeans'] as const) {
        const t0 = performance.now();
        const r = clusterTensor(values, mask, { bits, init, algorithm, maxIterations }, createRandom(seed + 1));
        rows.push({
          case: name,
          algorithm,
          init,
          weights: r.codebook.positions.length,
          clusters: r.codebook.centroids.length,
          seconds: (performance.now() - t0) / 1000,
          iterations: r.iterations,
          converged: r.converged,
          sse: r.sse,
        });
      }
    }
  }
  const speedups = [];
  for (let i = 0; i < rows.length; i += 2) {
    const [fast, lib] = [rows[i], rows[i + 1]];
    speedups.push({ case: fast.case, init: fast.init, speedup: lib.seconds / fast.seconds, sseRatio: lib.sse / fast.sse });
  }
  return { rows, speedups };
}

/** The result as a Markdown table. */
export function formatClusterBench(result: ClusterBenchResult): string {
  const lines = [
    '| case | init | algorithm | weights | clusters | iterations | seconds | SSE |',
    '|---|---|---|---:|---:|---:|---:|---:|',
    ...result.rows.map((r) =>
      `| ${r.case} | ${r.init} | ${r.algorithm} | ${r.weights} | ${r.clusters} | ${r.iterations}${r.converged ? '' : ' (cap)'} | ${r.seconds.toFixed(3)} | ${r.sse.toExponential(4)} |`,
    ),
    '',
    ...result.speedups.map((s) => `${s.case}, ${s.init}: 1-D path ${s.speedup.toFixed(0)}x faster than ml-kmeans, SSE ratio ml-kmeans/1-D ${s.sseRatio.toFixed(6)}`),
  ];
  return lines.join('\n');
}
