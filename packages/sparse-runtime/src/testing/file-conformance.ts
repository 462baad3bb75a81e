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
import type { LoadedModel } from '../model/loaded-model.js';
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

/** A backend the conformance suite checks. */
export interface ConformanceBackend {
  /** The backend's name (as `RuntimeBackend.name`; {@link conformanceSkips} keys match it by prefix). */
  readonly name: string;
  readonly create: () => RuntimeBackend | Promise<RuntimeBackend>;
}

/** Options of {@link describeFileConformance}. */
export interface FileConformanceOptions {
  /** The backends to check; each file's reference is computed once and shared by all of them. */
  readonly backends: readonly ConformanceBackend[];
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

const BATCH = 1000;

/** Batch `i` of the first `n` of `images` for `model`: its inputs and its size (the last one may be short). */
function batchOf(model: LoadedModel, images: Float32Array, n: number, i: number): { x: Float32Array; batch: number } {
  const batch = Math.min(BATCH, n - i * BATCH);
  return { x: images.subarray(i * BATCH * model.inputSize, (i * BATCH + batch) * model.inputSize), batch };
}

/** `model`'s dense reconstruction run on the first `n` of `images`: outputs, batch by batch. */
async function referenceOutputs(model: LoadedModel, images: Float32Array, n: number): Promise<Float32Array[]> {
  const outputs: Float32Array[] = [];
  for (let i = 0; i * BATCH < n; i++) {
    const { x, batch } = batchOf(model, images, n, i);
    outputs.push(await referencePredict(tf, model.compressed, x, batch));
  }
  return outputs;
}

/**
 * Registers the real-file conformance suite (use it in a `*.slow.test.ts`): one case per file and
 * backend. The dense reference (tfjs cpu, minutes for LeNet-5 on 10,000 images) runs once per file,
 * however many backends are checked against it.
 */
export function describeFileConformance(options: FileConformanceOptions): void {
  const references = new Map<string, Promise<Float32Array[]>>();
  describe(`file conformance: ${options.backends.map((b) => b.name).join(', ')}`, () => {
    for (const file of options.files ?? conformanceFiles()) {
      for (const backend of options.backends) {
        const reason = file.path ? skipReason(backend.name, file.name) : file.reason;
        it.skipIf(reason !== undefined)(`${file.name} on ${backend.name}: MNIST test outputs match the dense reconstruction within 1e-5 and accuracy is identical${reason ? ` (skipped: ${reason})` : ''}`, async () => {
          const { loadMnist } = await import('@dc/core/mnist');
          const { test } = await loadMnist();
          const n = Math.min(options.limit ?? test.count, test.count);
          const model = await loadCompressedModel(file.path!);
          const key = `${file.path!}#${n}`;
          if (!references.has(key)) references.set(key, referenceOutputs(model, test.images, n));
          const reference = await references.get(key)!;
          const session = await createSession(model, { backend: await backend.create() });
          const classes = model.outputSize;
          let hits = 0;
          let refHits = 0;
          let worst = 0;
          try {
            for (let i = 0; i * BATCH < n; i++) {
              const { x, batch } = batchOf(model, test.images, n, i);
              const y = await session.predict(x, batch);
              worst = Math.max(worst, maxRelativeError(y, reference[i], batch));
              hits += argmaxHits(y, test.labels, i * BATCH, classes);
              refHits += argmaxHits(reference[i], test.labels, i * BATCH, classes);
            }
          } finally {
            session.dispose();
          }
          expect(worst).toBeLessThanOrEqual(1e-5);
          expect(hits / n).toBe(refHits / n);
          expect(hits / n).toBeGreaterThan(0.9);
        });
      }
    }
  });
}
