import type * as tf from '@tensorflow/tfjs';
import { DcError } from '../../errors/dc-error.js';

/**
 * The threads a training step can use: `requested` (`'auto'`: the CPU cores) where data-parallel
 * workers work — Node, `SharedArrayBuffer`, the `wasm` or `cpu` tfjs backend — else 1. Throws
 * `INVALID_OPTION` for anything but a positive integer or `'auto'`.
 */
export async function trainingThreads(tfjs: typeof tf, requested: number | 'auto'): Promise<number> {
  if (requested !== 'auto' && !(Number.isInteger(requested) && requested >= 1)) {
    throw new DcError('INVALID_OPTION', `option "threads": expected a positive integer or 'auto', got ${String(requested)}`, { option: 'threads' });
  }
  if (requested === 1) return 1;
  const node = typeof process !== 'undefined' && !!process.versions?.node;
  if (!node || typeof SharedArrayBuffer === 'undefined' || !['wasm', 'cpu'].includes(tfjs.getBackend())) return 1;
  if (requested !== 'auto') return requested;
  const os = await import('node:os');
  return os.availableParallelism?.() ?? os.cpus().length;
}
