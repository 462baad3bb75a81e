/**
 * The conformance suite every backend runs (a vitest suite): outputs equal the dense
 * reconstruction computed by tfjs cpu within 1e-5 relative, on every op kind, random DAGs and
 * random chains, at batch sizes 1..257. Skips are listed in `skips.ts`, nowhere else.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { RuntimeBackend } from '../backend.js';
import { loadCompressedModel } from '../model/load.js';
import { createSession } from '../session.js';
import { conformanceCases } from './cases.js';
import { randomInput } from './random-model.js';
import { maxRelativeError, referencePredict } from './reference.js';
import { skipReason } from './skips.js';

/** Options of {@link describeConformance}. */
export interface ConformanceOptions {
  /** The backend's name, as its `name` property (used to look up skips). */
  readonly backendName: string;
  /** Makes the backend under test (called once). */
  readonly createBackend: () => RuntimeBackend | Promise<RuntimeBackend>;
  /** Number of random MLP and random convnet cases each (default 10). */
  readonly count?: number;
  /** Number of random DAG cases (default 12). */
  readonly graphs?: number;
  /** Relative tolerance (default 1e-5). */
  readonly tolerance?: number;
}

/**
 * Reference outputs by case and batch, shared by every suite registered in one test file (one
 * process): the dense reference on tfjs cpu dominates a suite's time, and it is the same for each
 * backend configuration.
 */
const references = new Map<string, Promise<Float32Array>>();

/** Registers the conformance suite for one backend. */
export function describeConformance(options: ConformanceOptions): void {
  const tolerance = options.tolerance ?? 1e-5;
  describe(`conformance: ${options.backendName}`, () => {
    let backend: RuntimeBackend | undefined;
    const get = async () => (backend ??= await options.createBackend());
    for (const c of conformanceCases(options.count, options.graphs)) {
      const reason = skipReason(options.backendName, c.name);
      const title = reason ? `${c.name} (skipped: ${reason})` : `${c.name}: batches ${c.batches.join(', ')} match the dense reconstruction within ${tolerance}`;
      it.skipIf(reason !== undefined)(title, async () => {
        const cm = c.model();
        const model = await loadCompressedModel(cm);
        const session = await createSession(model, { backend: await get() });
        try {
          for (const batch of c.batches) {
            const input = randomInput(batch * 31 + model.inputSize, batch * model.inputSize);
            const key = `${c.name}|${batch}`;
            if (!references.has(key)) references.set(key, referencePredict(tf, cm, input, batch));
            const expected = await references.get(key)!;
            const actual = await session.predict(input, batch);
            expect(actual.length).toBe(batch * model.outputSize);
            expect(maxRelativeError(actual, expected, batch), `batch ${batch}`).toBeLessThanOrEqual(tolerance);
          }
        } finally {
          session.dispose();
        }
      });
    }
  });
}
