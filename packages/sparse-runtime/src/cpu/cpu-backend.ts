/**
 * The CPU backend: TypeScript kernels that compute from the compressed form. At prepare time each
 * kernel becomes compressed sparse rows keeping its codes (Uint8/Uint16) and codebook; nothing
 * is densified.
 */
import { DcError } from '@dc/core';
import type { PreparedModel, RuntimeBackend } from '../backend.js';
import type { LoadedModel } from '../model/loaded-model.js';
import type { PlannedLayer } from '../model/plan.js';
import { toSparseRows } from '../sparse/sparse-rows.js';
import { applyActivation, fillBias } from './activation.js';
import { sparseConvSample } from './conv-kernel.js';
import { spmmTiled, spmvSkipZeros, type TileScratch } from './dense-kernel.js';
import { pool } from './pool-kernel.js';

/** How dense layers run batches larger than one. */
export type CpuBatchKernel = 'auto' | 'per-sample' | 'tiled';

/** Options of {@link createCpuBackend}. */
export interface CpuBackendOptions {
  /**
   * `per-sample` runs the EIE-style zero-skipping product per sample; `tiled` transposes blocks of
   * samples and updates contiguous output tiles; `auto` (default) picks by batch size.
   */
  readonly batchKernel?: CpuBatchKernel;
}

type Step = (x: Float32Array, batch: number) => Float32Array;

function compile(layer: PlannedLayer, opts: Required<CpuBackendOptions>): Step {
  switch (layer.op) {
    case 'dense': {
      const m = toSparseRows(layer.kernel);
      const scratch: TileScratch = { xT: new Float32Array(0), yT: new Float32Array(0) };
      return (x, batch) => {
        const y = new Float32Array(batch * layer.units);
        fillBias(y, batch, layer.units, layer.bias);
        const tiled = opts.batchKernel === 'tiled' || (opts.batchKernel === 'auto' && batch >= 8);
        if (tiled) spmmTiled(m, x, y, batch, scratch);
        else for (let b = 0; b < batch; b++) spmvSkipZeros(m, x, b * layer.inputSize, y, b * layer.units);
        applyActivation(y, layer.activation, layer.units);
        return y;
      };
    }
    case 'conv2d': {
      const m = toSparseRows(layer.kernel);
      const inSize = layer.input[0] * layer.input[1] * layer.input[2];
      const outSize = layer.output[0] * layer.output[1] * layer.output[2];
      const F = layer.output[2];
      return (x, batch) => {
        const y = new Float32Array(batch * outSize);
        fillBias(y, batch * layer.output[0] * layer.output[1], F, layer.bias);
        for (let b = 0; b < batch; b++) sparseConvSample(layer, m, x, b * inSize, y, b * outSize);
        applyActivation(y, layer.activation, F);
        return y;
      };
    }
    case 'maxPool':
    case 'avgPool':
      return (x, batch) => pool(layer, x, batch);
    case 'activation':
      return (x) => {
        const y = new Float32Array(x);
        applyActivation(y, layer.activation, layer.lastDim);
        return y;
      };
    case 'reshape':
      return (x) => x;
  }
}

/**
 * Creates the CPU backend (no dependencies; works in Node and browsers).
 *
 * ```ts
 * const session = await createSession(model, { backend: createCpuBackend() });
 * ```
 */
export function createCpuBackend(options: CpuBackendOptions = {}): RuntimeBackend {
  const opts: Required<CpuBackendOptions> = { batchKernel: options.batchKernel ?? 'auto' };
  if (!['auto', 'per-sample', 'tiled'].includes(opts.batchKernel)) {
    throw new DcError('INVALID_OPTION', `option "batchKernel": expected auto, per-sample or tiled, got ${String(opts.batchKernel)}`, { option: 'batchKernel' });
  }
  return {
    name: 'cpu',
    async prepare(model: LoadedModel): Promise<PreparedModel> {
      const steps = model.plan.map((l) => compile(l, opts));
      return {
        async run(input, batch) {
          let x = input;
          for (const step of steps) x = step(x, batch);
          return x === input ? new Float32Array(input) : x;
        },
        dispose() {},
      };
    },
  };
}
