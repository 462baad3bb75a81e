/**
 * Every op kind of core's table has a kernel in every backend's explicit map, or a refusal listed
 * in `model/refusals.ts` (the one list); the op cases of the conformance suite use every kind; the
 * tfjs backend's map names the layers core's `toLayersModel` really builds.
 */
import * as tf from '@tensorflow/tfjs';
import { OP_KINDS, toDenseModel, type LayerKind } from '@dc/core';
import { toLayersModel } from '@dc/core/tfjs';
import { withRandomParams } from '@dc/core/testing';
import { describe, expect, it } from 'vitest';
import { CPU_KERNELS } from './cpu/kernel-map.js';
import { planModel } from './model/plan.js';
import { assertRunnable, OP_REFUSALS, type BackendFamily } from './model/refusals.js';
import { compressModel } from './testing/compress-model.js';
import { opCases } from './testing/op-cases.js';
import { TFJS_LAYERS } from './tfjs/tfjs-backend.js';
import { tfjsCompatible } from './tfjs/tfjs-compatible.js';
import { GPU_OPS } from './webgpu/steps/node-steps.js';

const MAPS: Record<BackendFamily, Readonly<Partial<Record<string, unknown>>>> = { cpu: CPU_KERNELS, tfjs: TFJS_LAYERS, webgpu: GPU_OPS };

describe('op coverage', () => {
  for (const [backend, map] of Object.entries(MAPS) as [BackendFamily, Record<string, unknown>][]) {
    it(`${backend}: every op kind of core's table has a kernel or a refusal covering all its nodes`, () => {
      const missing = OP_KINDS.filter((kind) => !(kind in map) && !OP_REFUSALS.some((r) => r.backend === backend && r.kind === kind && !r.applies));
      expect(missing).toEqual([]);
      expect(Object.keys(map).sort()).toEqual([...OP_KINDS].sort());
    });
  }

  it('the op cases of the conformance suite use every op kind', () => {
    const kinds = new Set<LayerKind>(opCases().flatMap((c) => c.model().layers.map((l) => l.config.kind)));
    expect([...kinds].sort()).toEqual([...OP_KINDS].sort());
  });

  it('the tfjs backend\'s map names the tfjs layer classes toLayersModel builds for each kind', () => {
    for (const c of opCases()) {
      const model = tfjsCompatible(toDenseModel(c.model()));
      const built = toLayersModel(model, tf);
      for (const layer of model.layers) {
        expect(TFJS_LAYERS[layer.config.kind], `${c.name}: ${layer.name}`).toContain(built.getLayer(layer.name).getClassName());
      }
      built.dispose();
    }
  });

  it('a refusal stops the model at prepare with UNSUPPORTED_LAYER naming the node, its kind and why', () => {
    expect(OP_REFUSALS.map((r) => `${r.backend}: ${r.kind}`)).toEqual(['webgpu: recurrent']);
    expect(() => assertRunnable(planModel(opCases().find((c) => c.name === 'op: recurrent layers')!.model()), 'webgpu')).not.toThrow();
    const wide = planModel(compressModel(withRandomParams({ name: 'wide', inputShape: [2, 3], layers: [{ name: 'gru', config: { kind: 'recurrent', cell: 'gru', units: 257, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, returnSequences: false } }] }, 1)));
    expect(() => assertRunnable(wide, 'cpu')).not.toThrow();
    expect(() => assertRunnable(wide, 'webgpu')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_LAYER', tensor: 'gru', message: expect.stringMatching(/"gru" \(recurrent, more than 256 units\) cannot run on the webgpu backend/) }));
    const plan = planModel(opCases()[2].model());
    const refusal = { backend: 'webgpu' as const, kind: 'depthwiseConv2d' as const, when: 'dilationRate above 1', applies: () => true, reason: 'not implemented' };
    expect(() => assertRunnable(plan, 'cpu', [refusal])).not.toThrow();
    expect(() => assertRunnable(plan, 'webgpu', [refusal])).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_LAYER', tensor: 'dw2_2', message: expect.stringMatching(/"dw2_2" \(depthwiseConv2d, dilationRate above 1\) cannot run on the webgpu backend: not implemented/) }));
  });
});
