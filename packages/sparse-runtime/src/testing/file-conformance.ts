/**
 * Conformance on real files: a compressed LeNet-300-100 / LeNet-5 `.dcm` and the real MNIST test
 * set. Outputs must equal the dense reconstruction on tfjs cpu within 1e-5 relative, and the
 * test-set accuracy must be identical. Files arrive when the demo has produced them; a missing
 * file skips its case with the reason.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RuntimeBackend } from '../backend.js';
import { loadCompressedModel } from '../model/load.js';
import { createSession } from '../session.js';
import { maxRelativeError, referencePredict } from './reference.js';
import { skipReason } from './skips.js';

/** A real model file to check. */
export interface ConformanceFile {
  readonly name: string;
  /** Path, or undefined when the file is not there (the case is skipped with `reason`). */
  readonly path: string | undefined;
  readonly reason: string;
}

function locate(stem: string, envVar: string, made = `\`pnpm demo\` writes out/${stem}.dcm`): ConformanceFile {
  const candidates = [process.env[envVar], `out/${stem}.dcm`, `apps/demo/compressed/${stem}.dcm`, `apps/demo/out/${stem}.dcm`].filter((p): p is string => !!p);
  const path = candidates.map((p) => resolve(p)).find((p) => existsSync(p));
  return { name: stem, path, reason: `no ${stem}.dcm (set ${envVar}; ${made})` };
}

/**
 * The real files the suite looks for: `$DC_LENET300_FILE` / `$DC_LENET5_FILE`, else `out/<name>.dcm`
 * or `apps/demo/compressed/<name>.dcm` under the working directory; then the seeded preset's files
 * (format version 7, `$DC_LENET300_SEEDED_FILE` / `$DC_LENET5_SEEDED_FILE`).
 */
export function conformanceFiles(): ConformanceFile[] {
  return [
    locate('lenet-300-100', 'DC_LENET300_FILE'),
    locate('lenet-5', 'DC_LENET5_FILE'),
    locate('lenet-300-100-seeded', 'DC_LENET300_SEEDED_FILE', '`pnpm demo --preset seeded` writes it as out/lenet-300-100.dcm'),
    locate('lenet-5-seeded', 'DC_LENET5_SEEDED_FILE', '`pnpm demo --model lenet-5 --preset seeded` writes it as out/lenet-5.dcm'),
  ];
}

/** Options of {@link describeFileConformance}. */
export interface FileConformanceOptions {
  readonly backendName: string;
  readonly createBackend: () => RuntimeBackend | Promise<RuntimeBackend>;
  /** Test images to use (default all 10,000). */
  readonly limit?: number;
  /** Files to check (default {@link conformanceFiles}). */
  readonly files?: readonly ConformanceFile[];
}

function argmaxHits(out: Float32Array, labels: Uint8Array, offset: number, classes: number): number {
  let hits = 0;
  for (let s = 0; s * classes < out.length; s++) {
    let best = 0;
    for (let j = 1; j < classes; j++) if (out[s * classes + j] > out[s * classes + best]) best = j;
    if (best === labels[offset + s]) hits++;
  }
  return hits;
}

/** Registers the real-file conformance suite for one backend (use it in a `*.slow.test.ts`). */
export function describeFileConformance(options: FileConformanceOptions): void {
  describe(`file conformance: ${options.backendName}`, () => {
    for (const file of options.files ?? conformanceFiles()) {
      const reason = file.path ? skipReason(options.backendName, file.name) : file.reason;
      it.skipIf(reason !== undefined)(`${file.name}: MNIST test outputs match the dense reconstruction within 1e-5 and accuracy is identical${reason ? ` (skipped: ${reason})` : ''}`, async () => {
        const { loadMnist } = await import('@dc/core/mnist');
        const { test } = await loadMnist();
        const n = Math.min(options.limit ?? test.count, test.count);
        const model = await loadCompressedModel(file.path!);
        const session = await createSession(model, { backend: await options.createBackend() });
        const classes = model.outputSize;
        let hits = 0;
        let refHits = 0;
        let worst = 0;
        try {
          for (let b0 = 0; b0 < n; b0 += 1000) {
            const batch = Math.min(1000, n - b0);
            const x = test.images.subarray(b0 * model.inputSize, (b0 + batch) * model.inputSize);
            const y = await session.predict(x, batch);
            const ref = await referencePredict(tf, model.compressed, x, batch);
            worst = Math.max(worst, maxRelativeError(y, ref, batch));
            hits += argmaxHits(y, test.labels, b0, classes);
            refHits += argmaxHits(ref, test.labels, b0, classes);
          }
        } finally {
          session.dispose();
        }
        expect(worst).toBeLessThanOrEqual(1e-5);
        expect(hits / n).toBe(refHits / n);
        expect(hits / n).toBeGreaterThan(0.9);
      });
    }
  });
}
