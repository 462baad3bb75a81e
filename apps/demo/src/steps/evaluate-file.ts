import type { ImageSet } from '@dc/core/mnist';
import { createSession, loadCompressedModel, type Session } from '@dc/sparse-runtime';
import { createCpuBackend } from '@dc/sparse-runtime/cpu';

/** Test-set figures of a written `.dcm` file, run by @dc/sparse-runtime's cpu backend. */
export interface FileEvaluation {
  readonly accuracy: number;
  readonly errors: number;
  readonly examples: number;
  /** File read + Huffman decode + backend preparation, in ms. */
  readonly loadMs: number;
  readonly seconds: number;
}

/** Loads the file from disk (never the in-memory model) and classifies every test image with it. */
export async function evaluateFile(path: string, test: ImageSet, batchSize = 500): Promise<FileEvaluation> {
  const t0 = performance.now();
  const loaded = await loadCompressedModel(path);
  const session = await createSession(loaded, { backend: createCpuBackend() });
  const loadMs = performance.now() - t0;
  try {
    const errors = await countErrors(session, test, batchSize);
    return { accuracy: 1 - errors / test.count, errors, examples: test.count, loadMs, seconds: (performance.now() - t0) / 1000 };
  } finally {
    session.dispose();
  }
}

/** Misclassified examples of `set` under `session`. */
export async function countErrors(session: Session, set: ImageSet, batchSize: number): Promise<number> {
  const px = set.height * set.width;
  const classes = session.outputShape[session.outputShape.length - 1];
  let errors = 0;
  for (let start = 0; start < set.count; start += batchSize) {
    const n = Math.min(batchSize, set.count - start);
    const out = await session.predict(set.images.slice(start * px, (start + n) * px), n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (out[i * classes + c] > out[i * classes + best]) best = c;
      if (best !== set.labels[start + i]) errors++;
    }
  }
  return errors;
}
