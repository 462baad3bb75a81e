import { withRandomParams } from '@dc/core/testing';
import { describe, expect, it } from 'vitest';
import { loadCompressedModel } from '../model/load.js';
import { planModel } from '../model/plan.js';
import { createSession } from '../session.js';
import { compressModel } from '../testing/compress-model.js';
import { GraphBuilder } from '../testing/graph-builder.js';
import { randomInput } from '../testing/random-model.js';
import { executeGraph } from './graph-executor.js';
import { CPU_KERNELS } from './kernel-map.js';
import type { CpuBatchKernel } from './kernel-options.js';
import { prepareContext } from './prepare-context.js';
import { describeConformance } from '../testing/conformance.js';
import { createCpuBackend } from './index.js';
import { sparseConvModule, spmmModule } from './wasm/wasm-modules.js';

describeConformance({ backendName: 'cpu', createBackend: () => createCpuBackend() });
describeConformance({ backendName: 'cpu', createBackend: () => ({ ...createCpuBackend({ batchKernel: 'tiled' }), name: 'cpu (tiled)' }), count: 4, graphs: 4 });
describeConformance({ backendName: 'cpu', createBackend: () => ({ ...createCpuBackend({ batchKernel: 'per-sample' }), name: 'cpu (per-sample)' }), count: 6, graphs: 4 });
// Two threads, splitting every batch of 2 samples or more between the calling thread and a worker.
// Fewer random cases: each session starts a worker (about 0.3 s idle, seconds on a loaded machine).
describeConformance({ backendName: 'cpu (2 threads)', createBackend: () => ({ ...createCpuBackend({ threads: 2, threadMinBatch: 2, threadSplit: 'always' }), name: 'cpu (2 threads)' }), count: 2, graphs: 4 });

describe('createCpuBackend', () => {
  it('rejects an unknown batch kernel with INVALID_OPTION', () => {
    expect(() => createCpuBackend({ batchKernel: 'gpu' as never })).toThrow(/INVALID_OPTION/);
  });

  it('compiles the WASM SIMD kernels on Node 20', () => {
    expect(spmmModule()).toBeInstanceOf(WebAssembly.Module);
    expect(sparseConvModule()).toBeInstanceOf(WebAssembly.Module);
  });
});

describe('pooling in the convolutions\' shared memory', () => {
  it('pools a convolution\'s output where it is (a model without dense layers), with the TypeScript kernels\' results', () => {
    const g = new GraphBuilder([6, 6, 3]);
    const pw = g.add('pw', { kind: 'conv2d', filters: 4, kernelSize: [1, 1], strides: [1, 1], padding: 'same', activation: 'relu', useBias: true }, ['input']);
    g.add('avg', { kind: 'avgPool2d', poolSize: [2, 2], strides: [2, 2], padding: 'same' }, [g.add('max', { kind: 'maxPool2d', poolSize: [3, 3], strides: [1, 1], padding: 'same' }, [pw])]);
    const plan = planModel(compressModel(withRandomParams({ name: 'pointwise-pool', inputShape: g.inputShape, layers: g.layers }, 9), { density: 0.5, bits: 4 }));
    const kernelsOf = (batchKernel: CpuBatchKernel) => {
      const ctx = prepareContext(plan, { batchKernel, wasmMinBatch: 1 });
      return plan.steps.map((s) => CPU_KERNELS[s.kind](s, ctx));
    };
    const wasm = kernelsOf('auto');
    // One chunk: each step's output is a view of the one shared memory, read in place by the next.
    const x = randomInput(4, 16 * plan.inputSize);
    let y = x;
    const outputs = wasm.map((k) => (y = k([y], 16, undefined)));
    expect(new Set(outputs.map((o) => o.buffer)).size).toBe(1);
    for (const batch of [16, 20]) {
      const xs = randomInput(5 + batch, batch * plan.inputSize);
      const expected = executeGraph(plan, kernelsOf('per-sample'), xs, batch);
      const actual = executeGraph(plan, kernelsOf('auto'), xs, batch);
      for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(1e-5);
    }
  });
});

describe('kernel outputs kept between calls', () => {
  it('never reach the caller: a result stays as it was after later predictions, small batches and large', async () => {
    // The last step is a convolution, whose kernel keeps its output array for its next call.
    const g = new GraphBuilder([6, 6, 2]);
    g.add('conv', { kind: 'conv2d', filters: 3, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu6', useBias: true }, [g.add('pool', { kind: 'maxPool2d', poolSize: [2, 2], strides: [1, 1], padding: 'same' }, ['input'])]);
    const model = await loadCompressedModel(compressModel(withRandomParams({ name: 'conv-last', inputShape: g.inputShape, layers: g.layers }, 13), { density: 0.7, bits: 4 }));
    const session = await createSession(model, { backend: createCpuBackend() });
    for (const batch of [3, 40]) {
      const a = randomInput(30, batch * model.inputSize);
      const b = randomInput(31, batch * model.inputSize);
      const ya = await session.predict(a, batch);
      const kept = ya.slice();
      const yb = await session.predict(b, batch);
      expect(ya).toEqual(kept);
      expect(yb).not.toEqual(ya);
    }
    session.dispose();
  });
});
