/**
 * Finds a TensorFlow.js namespace and backend: the one passed in, else the first of
 * `@tensorflow/tfjs-node-gpu` (CUDA), `@tensorflow/tfjs-node` (native CPU) and `@tensorflow/tfjs`
 * that imports. Each is imported lazily, so none is a hard dependency.
 */
import { DcError } from '@dc/core';
import type * as tfTypes from '@tensorflow/tfjs';

/** The TensorFlow.js namespace. */
export type Tf = typeof tfTypes;

/** A package that was tried and failed, with why. */
export interface TfjsImportFailure {
  readonly name: string;
  readonly message: string;
}

const CANDIDATES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs'] as const;

/** Imports the first TensorFlow.js package of {@link CANDIDATES} that loads. */
export async function importTfjs(candidates: readonly string[] = CANDIDATES): Promise<{ tf: Tf; from: string; failures: TfjsImportFailure[] }> {
  const failures: TfjsImportFailure[] = [];
  for (const name of candidates) {
    try {
      const mod = (await import(/* @vite-ignore */ name)) as Tf & { default?: Tf };
      const tf = typeof mod.matMul === 'function' ? mod : mod.default;
      if (tf && typeof tf.matMul === 'function') return { tf, from: name, failures };
      failures.push({ name, message: 'does not export the tfjs API' });
    } catch (e) {
      failures.push({ name, message: (e as Error).message.split('\n')[0] });
    }
  }
  throw new DcError('BACKEND_UNAVAILABLE', `no TensorFlow.js package could be loaded (${failures.map((f) => `${f.name}: ${f.message}`).join('; ')})`, {
    hint: 'Install @tensorflow/tfjs (plus @tensorflow/tfjs-backend-wasm for speed), or @tensorflow/tfjs-node-gpu for CUDA; or use createCpuBackend() from @dc/sparse-runtime/cpu, which needs nothing.',
  });
}

/** Activates tfjs backend `name` (importing `@tensorflow/tfjs-backend-wasm` for `wasm` when needed). */
export async function activateTfBackend(tf: Tf, name: string): Promise<void> {
  if (name === 'wasm' && !tf.findBackendFactory('wasm')) {
    try {
      await import(/* @vite-ignore */ '@tensorflow/tfjs-backend-wasm');
    } catch (cause) {
      throw new DcError('BACKEND_UNAVAILABLE', `tfjs backend "wasm" needs @tensorflow/tfjs-backend-wasm: ${(cause as Error).message.split('\n')[0]}`, {
        cause,
        hint: 'npm install @tensorflow/tfjs-backend-wasm (the same version as @tensorflow/tfjs).',
      });
    }
  }
  const registered = Object.keys(tf.engine().registryFactory);
  if (!registered.includes(name)) {
    throw new DcError('BACKEND_UNAVAILABLE', `tfjs backend "${name}" is not registered (registered: ${registered.join(', ') || 'none'})`, {
      hint: `Import the package that registers the "${name}" tfjs backend before creating the backend, or pass another tfBackend (${registered.join(', ')}).`,
    });
  }
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (cause) {
    throw new DcError('BACKEND_UNAVAILABLE', `tfjs backend "${name}" failed to initialise: ${(cause as Error).message}`, { cause });
  }
  if (!ok) {
    throw new DcError('BACKEND_UNAVAILABLE', `tfjs backend "${name}" could not be initialised on this platform`, {
      hint: `Pass another tfBackend (${registered.filter((r) => r !== name).join(', ')}).`,
    });
  }
}
