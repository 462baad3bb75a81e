/**
 * The tfjs backend: the network rebuilt from TensorFlow.js ops, running on whatever tfjs backend
 * is active: CUDA through `@tensorflow/tfjs-node-gpu` where it is installed, native CPU through
 * `@tensorflow/tfjs-node`, else wasm or cpu.
 */
import { DcError } from '@dc/core';
import type * as tfTypes from '@tensorflow/tfjs';
import type { PreparedModel, RuntimeBackend } from '../backend.js';
import type { LoadedModel } from '../model/loaded-model.js';
import { compileLayer, type TfjsDenseMode } from './layers.js';
import { activateTfBackend, importTfjs, type Tf, type TfjsImportFailure } from './load-tfjs.js';

/** Options of {@link createTfjsBackend}. */
export interface TfjsBackendOptions {
  /**
   * The TensorFlow.js namespace to use. Defaults to the first of `@tensorflow/tfjs-node-gpu`,
   * `@tensorflow/tfjs-node` and `@tensorflow/tfjs` that loads.
   */
  readonly tf?: Tf;
  /** A tfjs backend to activate first (`'wasm'`, `'cpu'`, `'tensorflow'`, `'webgl'`, ...); defaults to the active one. */
  readonly tfBackend?: string;
  /**
   * How dense layers compute: `dense` (default) multiplies by the dense reconstruction of the
   * kernel, built once at prepare (measured faster on every tfjs backend here, see the README);
   * `sparse` gathers inputs per kept weight and sums with `unsortedSegmentSum` (not available on
   * tfjs-wasm, which does not implement that op).
   */
  readonly denseMode?: TfjsDenseMode;
}

/** The tfjs backend, with where its tfjs came from. */
export interface TfjsRuntimeBackend extends RuntimeBackend {
  /** The tfjs namespace in use. */
  readonly tf: Tf;
  /** The package tfjs was loaded from (`'(given)'` when passed in). */
  readonly tfPackage: string;
  /** Packages tried before it that failed to load (e.g. tfjs-node-gpu without CUDA). */
  readonly skipped: readonly TfjsImportFailure[];
}

/**
 * Creates the tfjs backend. Throws `BACKEND_UNAVAILABLE` with a hint when no tfjs package loads
 * or the requested tfjs backend cannot be activated.
 *
 * ```ts
 * const backend = await createTfjsBackend({ tfBackend: 'wasm' });
 * ```
 */
export async function createTfjsBackend(options: TfjsBackendOptions = {}): Promise<TfjsRuntimeBackend> {
  const mode = options.denseMode ?? 'dense';
  if (mode !== 'dense' && mode !== 'sparse') {
    throw new DcError('INVALID_OPTION', `option "denseMode": expected dense or sparse, got ${String(mode)}`, { option: 'denseMode' });
  }
  const found = options.tf ? { tf: options.tf, from: '(given)', failures: [] } : await importTfjs();
  const { tf } = found;
  if (options.tfBackend) await activateTfBackend(tf, options.tfBackend);
  await tf.ready();
  const tfName = tf.getBackend();
  if (mode === 'sparse' && !tf.getKernel('UnsortedSegmentSum', tfName)) {
    throw new DcError('BACKEND_UNAVAILABLE', `tfjs backend "${tfName}" has no UnsortedSegmentSum kernel, which denseMode "sparse" needs`, {
      option: 'denseMode',
      hint: 'Use denseMode "dense" on this tfjs backend, or the cpu/tensorflow tfjs backends.',
    });
  }
  return {
    name: `tfjs-${tfName}${mode === 'sparse' ? '-sparse' : ''}`,
    tf,
    tfPackage: found.from,
    skipped: found.failures,
    async prepare(model: LoadedModel): Promise<PreparedModel> {
      if (tf.getBackend() !== tfName) await tf.setBackend(tfName);
      const layers = model.plan.map((l) => compileLayer(tf, l, mode));
      const held = layers.flatMap((l) => l.held);
      return {
        async run(input, batch) {
          if (tf.getBackend() !== tfName) await tf.setBackend(tfName);
          const y = tf.tidy(() => {
            let x: tfTypes.Tensor = tf.tensor(input, [batch, ...model.inputShape]);
            for (const l of layers) x = l.apply(x, batch);
            return tf.reshape(x, [batch * model.outputSize]);
          });
          try {
            return new Float32Array((await y.data()) as Float32Array);
          } finally {
            y.dispose();
          }
        },
        dispose() {
          tf.dispose(held);
        },
      };
    },
  };
}
