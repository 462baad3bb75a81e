import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../errors/dc-error.js';

/** Training backends, fastest first. */
export type TrainingBackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** The outcome of {@link selectTrainingBackend}. */
export interface SelectedBackend {
  /** The tfjs namespace to use (tfjs-node's own when a native backend loaded). */
  readonly tf: typeof tf;
  readonly backend: TrainingBackendName;
  /** Every better backend that was tried and why it was skipped. */
  readonly skipped: readonly { readonly backend: TrainingBackendName; readonly reason: string }[];
}

/** Options of {@link selectTrainingBackend}. */
export interface SelectBackendOptions {
  /** Backends to try, in order. Default: all, fastest first. */
  prefer?: readonly TrainingBackendName[];
}

const DEFAULT_ORDER: readonly TrainingBackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/**
 * Picks the fastest training backend that loads: `@tensorflow/tfjs-node-gpu` (CUDA), then
 * `@tensorflow/tfjs-node` (native CPU), then `@tensorflow/tfjs-backend-wasm`, then tfjs's pure-JS cpu.
 * The native packages are optional: their install script downloads libtensorflow, which fails on
 * machines without that network access, so they are imported lazily and skipped with the reason.
 * Throws `BACKEND_UNAVAILABLE` listing every failure when none loads.
 */
export async function selectTrainingBackend(options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  const skipped: { backend: TrainingBackendName; reason: string }[] = [];
  for (const backend of options.prefer ?? DEFAULT_ORDER) {
    try {
      const tfjs = await LOADERS[backend]();
      return { tf: tfjs, backend, skipped };
    } catch (error) {
      skipped.push({ backend, reason: firstLine(error) });
    }
  }
  throw new DcError('BACKEND_UNAVAILABLE', `no training backend loaded: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`, {
    hint: 'Install @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm (or @tensorflow/tfjs-node).',
  });
}

const LOADERS: Record<TrainingBackendName, () => Promise<typeof tf>> = {
  'tensorflow-gpu': () => loadNative('@tensorflow/tfjs-node-gpu', 'tensorflow'),
  tensorflow: () => loadNative('@tensorflow/tfjs-node', 'tensorflow'),
  wasm: async () => {
    const tfjs = await import('@tensorflow/tfjs');
    // Registers the "wasm" backend factory with tfjs (that package's own import-time behaviour).
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tfjs.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
    const { registerWasmTrainingKernels } = await import('./wasm-kernels/index.js');
    // Adds the training kernels wasm lacks and swaps three slow stock ones (transposed BatchMatMul,
    // Conv2DBackpropInput, MaxPoolGrad) for ours: about 3× faster LeNet-300-100 epochs and 2.5× faster
    // LeNet-5 epochs, checked against the cpu backend by the kernels' tests.
    registerWasmTrainingKernels(tfjs, { replaceSlowKernels: true });
    return tfjs;
  },
  cpu: async () => {
    const tfjs = await import('@tensorflow/tfjs');
    if (!(await tfjs.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") returned false');
    return tfjs;
  },
};

async function loadNative(pkg: string, backendName: string): Promise<typeof tf> {
  // Importing a tfjs-node package whose native binding is missing registers its kernels and then
  // throws, flooding the console with "already registered" warnings: check for the binding first.
  await assertNativeBinding(pkg);
  // A variable specifier keeps bundlers and tsc from resolving the optional package.
  const specifier = pkg;
  const mod = (await import(specifier)) as typeof tf & { default?: typeof tf };
  const tfjs = mod.default ?? mod;
  if (!(await tfjs.setBackend(backendName))) throw new Error(`${pkg} loaded but backend "${backendName}" did not initialise`);
  return tfjs;
}

async function assertNativeBinding(pkg: string): Promise<void> {
  const { createRequire } = await import('node:module');
  const { existsSync, readdirSync, readFileSync } = await import('node:fs');
  const { dirname, join } = await import('node:path');
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`${pkg} is not installed`);
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { binary?: { module_name?: string } };
  const binding = `${manifest.binary?.module_name ?? 'tfjs_binding'}.node`;
  const lib = join(dir, 'lib');
  const found = existsSync(lib) && readdirSync(lib).some((sub) => existsSync(join(lib, sub, binding)));
  if (!found) throw new Error(`${pkg} is installed without its native binding (${binding}): its install script, which downloads libtensorflow, did not run or failed`);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].slice(0, 300);
}
