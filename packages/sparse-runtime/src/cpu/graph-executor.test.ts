import { describe, expect, it } from 'vitest';
import { planModel } from '../model/plan.js';
import { opCases } from '../testing/op-cases.js';
import { randomGraph } from '../testing/random-graph.js';
import { randomInput } from '../testing/random-model.js';
import { executeGraph } from './graph-executor.js';
import { CPU_KERNELS } from './kernel-map.js';
import { prepareContext } from './prepare-context.js';

const models = [...opCases().map((c) => c.model()), ...Array.from({ length: 12 }, (_, i) => randomGraph(3000 + i))];

describe('executeGraph', () => {
  it('holds at most the plan\'s peak activation bytes, reaches it exactly, and never writes the input', () => {
    for (const cm of models) {
      for (const fold of [true, false]) {
        const plan = planModel(cm, { foldBatchNorm: fold });
        const ctx = prepareContext(plan, { batchKernel: 'auto', wasmMinBatch: 1 });
        const kernels = plan.steps.map((s) => CPU_KERNELS[s.kind](s, ctx));
        const batch = 3;
        const x = randomInput(7, batch * plan.inputSize);
        const copy = x.slice();
        let peak = 0;
        const y = executeGraph(plan, kernels, x, batch, (bytes) => (peak = Math.max(peak, bytes)));
        expect(peak, cm.name).toBe(plan.peakActivationBytes * batch);
        expect(x).toEqual(copy);
        expect(y).toHaveLength(batch * plan.outputSize);
      }
    }
  });
});
