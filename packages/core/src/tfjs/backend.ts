import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';
import { activateTfBackend, firstLine, importTfjsPackage } from './load-tfjs.js';
import { registerTileGradient, type RegisteredTileGradient } from './tile-gradient.js';
import type { WasmTrainingKernels } from './wasm-kernels/register.js';

/** Training backends, fastest first. */
export type TrainingBackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** The outcome of {@link selectTrainingBackend}. */
export interface SelectedBackend {
  /** The tfjs namespace to use (tfjs-node's own when a native backend loaded). */
  readonly tf: typeof tf;
  readonly backend: TrainingBackendName;
  /** Every better backend that was tried and why it was skipped. */
  readonly skipped: readonly { readonly backend: TrainingBackendName; readonly reason: string }[];
  /** On `wasm`: the training kernels registered for it (added, replaced, kept). */
  readonly wasmKernels?: WasmTrainingKernels;
  /** With `replaceSlowGradients`: the gradients replaced (`['Tile']`), else none. */
  readonly replacedGradients: readonly string[];
  /**
   * Undoes what choosing the backend changed in tfjs's process-wide kernel and gradient registries
   * (the wasm training kernels added or replaced, the gradients replaced); the backend itself
   * stays active. Call it when done training if other code in the process uses tfjs as shipped.
   * Calling it again does nothing.
   */
  restore(): void;
}

/** Options of {@link selectTrainingBackend}. */
export interface SelectBackendOptions {
  /** Backends to try, in order. Default: all, fastest first. */
  prefer?: readonly TrainingBackendName[];
  /**
   * On `wasm`, also replace stock tfjs-wasm kernels that are slow when training (the
   * transposed `BatchMatMul` cases, `Conv2DBackpropInput`, `MaxPoolGrad`, `Tile`, `Identity`,
   * the broadcasting comparisons, `Maximum` and `Minimum`; see
   * `registerWasmTrainingKernels`): about 3× faster LeNet-300-100 epochs and 2.5× faster LeNet-5
   * epochs. tfjs's kernel registry is process-wide, so this changes those kernels for every user
   * of tfjs-wasm in the process until {@link SelectedBackend.restore}. Default `false`: only the
   * kernels tfjs-wasm lacks are added.
   */
  replaceSlowWasmKernels?: boolean;
  /**
   * On every backend, also replace tfjs's gradient of `Tile`, which adds one slice per repetition,
   * by one that sums each tiled axis at once (`registerTileGradient`): tfjs's `LayerNormalization`
   * tiles its scale and offset to the activation in every step, so a transformer block on a
   * `[7, 7, 32]` map trained tens to hundreds of times slower without it (`node
   * scripts/bench-training.mjs --only vit`). Process-wide like the kernels, until
   * {@link SelectedBackend.restore}. Default `false`.
   */
  replaceSlowGradients?: boolean;
}

const DEFAULT_ORDER: readonly TrainingBackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/**
 * Picks the fastest training backend that loads: `@tensorflow/tfjs-node-gpu` (CUDA), then
 * `@tensorflow/tfjs-node` (native CPU), then `@tensorflow/tfjs-backend-wasm`, then tfjs's pure-JS cpu.
 * The native packages are optional: their install script downloads libtensorflow, which fails on
 * machines without that network access, so they are imported lazily and skipped with the reason.
 * On `wasm` it registers the training kernels tfjs-wasm lacks (`Conv2DBackpropFilter`, the depthwise gradients,
 * `UnsortedSegmentSum`), and replaces slow stock ones only with `replaceSlowWasmKernels`; both
 * are undone by the result's `restore()`. Throws `BACKEND_UNAVAILABLE` listing every failure
 * when none loads.
 */
export async function selectTrainingBackend(options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  const skipped: { backend: TrainingBackendName; reason: string }[] = [];
  for (const backend of options.prefer ?? DEFAULT_ORDER) {
    try {
      const { tf: tfjs, wasmKernels } = await LOADERS[backend](options);
      const gradients: RegisteredTileGradient | undefined = options.replaceSlowGradients ? registerTileGradient(tfjs) : undefined;
      const restore = () => {
        gradients?.restore();
        wasmKernels?.restore();
      };
      return { tf: tfjs, backend, skipped, ...(wasmKernels ? { wasmKernels } : {}), replacedGradients: gradients?.replaced ? ['Tile'] : [], restore };
    } catch (error) {
      skipped.push({ backend, reason: firstLine(error) });
    }
  }
  throw new DcError('BACKEND_UNAVAILABLE', `no training backend loaded: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`, {
    hint: 'Install @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm (or @tensorflow/tfjs-node).',
  });
}

type Loaded = { tf: typeof tf; wasmKernels?: WasmTrainingKernels };

const LOADERS: Record<TrainingBackendName, (options: SelectBackendOptions) => Promise<Loaded>> = {
  'tensorflow-gpu': () => loadNative('@tensorflow/tfjs-node-gpu'),
  tensorflow: () => loadNative('@tensorflow/tfjs-node'),
  wasm: async (options) => {
    const tfjs = await importTfjsPackage('@tensorflow/tfjs');
    await activateTfBackend(tfjs, 'wasm');
    const { registerWasmTrainingKernels } = await import('./wasm-kernels/index.js');
    const wasmKernels = registerWasmTrainingKernels(tfjs, { replaceSlowKernels: options.replaceSlowWasmKernels === true });
    return { tf: tfjs, wasmKernels };
  },
  cpu: async () => {
    const tfjs = await importTfjsPackage('@tensorflow/tfjs');
    await activateTfBackend(tfjs, 'cpu');
    return { tf: tfjs };
  },
};

async function loadNative(pkg: string): Promise<Loaded> {
  const tfjs = await importTfjsPackage(pkg);
  await activateTfBackend(tfjs, 'tensorflow');
  return { tf: tfjs };
}
