/**
 * The WebGPU check for a machine with a real GPU (scripts/device-webgpu-check.sh bundles this for
 * Node + Dawn, which needs nothing installed there but a Vulkan driver): the conformance cases and
 * the op graphs against the tfjs-cpu dense reference within 1e-5, the real files against the cpu
 * backend, then the timing of the real files alone and side by side with tfjs-backend-webgpu.
 * Plain JSON out; no test runner.
 */
import * as tf from '@tensorflow/tfjs';
import { createCpuBackend } from '../../cpu/index.js';
import { loadCompressedModel } from '../../model/load.js';
import { conformanceCases } from '../../testing/cases.js';
import { randomInput } from '../../testing/random-model.js';
import { maxRelativeError, referencePredict } from '../../testing/reference.js';
import { runWebGpuBench, type WebGpuBenchResult } from '../bench-webgpu.js';
import { createWebGpuBackend } from '../create-webgpu-backend.js';
import { nodeGpu } from '../node-gpu.js';
import { activationsModel, wideMergesModel } from './op-models.js';

/** One checked model at one batch size. */
export interface DeviceCheckRow {
  readonly name: string;
  readonly batch: number;
  readonly maxRelativeError: number;
  readonly pass: boolean;
  /** Why the case failed to run at all (then `maxRelativeError` is Infinity). */
  readonly error?: string;
}

/** What {@link runDeviceCheck} found. */
export interface DeviceCheckResult {
  readonly adapter: string;
  readonly tolerance: number;
  readonly passed: number;
  readonly failed: number;
  readonly rows: readonly DeviceCheckRow[];
  readonly timing: readonly (WebGpuBenchResult & { readonly file: string })[];
  readonly seconds: number;
}

/** Options of {@link runDeviceCheck}. */
export interface DeviceCheckOptions {
  /** Real `.dcm` files: checked against the cpu backend, then timed. */
  readonly files: readonly string[];
  /** Batch sizes of the timing (default 1, 100, 1,000, 10,000). */
  readonly batches?: readonly number[];
  /** Progress lines (to stderr, say). */
  readonly log?: (line: string) => void;
  /** The `GPU` to check; default Dawn from the `webgpu` package. */
  readonly gpu?: GPU;
  /** tfjs with tfjs-backend-webgpu registered, for the side-by-side timing (see `WebGpuBenchOptions.tfjs`). */
  readonly tfjs?: typeof tf;
}

/** Runs the check on the machine's WebGPU adapter (Dawn in Node; `VK_ICD_FILENAMES` picks the Vulkan driver). */
export async function runDeviceCheck(o: DeviceCheckOptions): Promise<DeviceCheckResult> {
  const t0 = performance.now();
  const log = o.log ?? (() => undefined);
  const tolerance = 1e-5;
  const found = o.gpu ? { gpu: o.gpu } : await nodeGpu();
  if (!found.gpu) throw new Error(`no WebGPU in Node: ${found.reason}`);
  const { gpu } = found;
  await tf.setBackend('cpu');
  const backend = await createWebGpuBackend({ gpu, powerPreference: 'high-performance' });
  log(`adapter: ${backend.adapterInfo}`);
  const rows: DeviceCheckRow[] = [];
  const record = (name: string, batch: number, error: number, message?: string) => {
    rows.push({ name, batch, maxRelativeError: error, pass: error <= tolerance, ...(message ? { error: message } : {}) });
    log(`${error <= tolerance ? 'ok  ' : 'FAIL'} ${name} batch ${batch}: ${message ?? error.toExponential(2)}`);
  };
  try {
    const cases = [
      ...conformanceCases().map((c) => ({ name: c.name, make: c.model, batches: c.batches })),
      ...[activationsModel, wideMergesModel].map((make) => ({ name: `webgpu: ${make().name}`, make, batches: [1, 17, 300] })),
    ];
    for (const c of cases) {
      const cm = c.make();
      try {
        const prepared = await backend.prepare(await loadCompressedModel(cm));
        try {
          for (const batch of c.batches) {
            const size = cm.inputShape.reduce((a, b) => a * b, 1);
            const x = randomInput(batch * 31 + size, batch * size);
            record(c.name, batch, maxRelativeError(await prepared.run(x, batch), await referencePredict(tf, cm, x, batch), batch));
          }
        } finally {
          prepared.dispose();
        }
      } catch (error) {
        record(c.name, c.batches[0], Infinity, (error as Error).message);
      }
    }
    const cpu = createCpuBackend();
    for (const file of o.files) {
      const model = await loadCompressedModel(file);
      const [gpu, onCpu] = [await backend.prepare(model), await cpu.prepare(model)];
      const batch = 1000;
      const x = randomInput(7, batch * model.inputSize, 0);
      record(`${file} vs the cpu backend`, batch, maxRelativeError(await gpu.run(x, batch), await onCpu.run(x, batch), batch));
      gpu.dispose();
      onCpu.dispose();
    }
  } finally {
    backend.dispose();
  }
  const timing: DeviceCheckResult['timing'][number][] = [];
  for (const file of o.files) {
    log(`timing ${file}`);
    timing.push({ file, ...(await runWebGpuBench({ file, gpu, tfjs: o.tfjs, batches: o.batches ?? [1, 100, 1000, 10000], minMs: 1000 })) });
  }
  const failed = rows.filter((r) => !r.pass).length;
  return { adapter: timing[0]?.adapter ?? '', tolerance, passed: rows.length - failed, failed, rows, timing, seconds: (performance.now() - t0) / 1000 };
}
