/**
 * Automatic backend choice over an explicit, ordered list: the first factory that succeeds wins,
 * and every failure skipped on the way is reported.
 */
import { DcError, isDcError } from '@dc/core';
import type { BackendFactory, NamedBackendFactory, RuntimeBackend } from './backend.js';

/** One factory that failed. */
export interface SkippedBackend {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly error: unknown;
}

/** The backend chosen and what was skipped before it. */
export interface ChosenBackend {
  readonly backend: RuntimeBackend;
  readonly skipped: readonly SkippedBackend[];
}

/**
 * Tries `factories` in order (`[createWebGpuBackend, createTfjsBackend, createCpuBackend]`, or
 * `{ name, create }` objects) and returns the first backend made, with every failure skipped.
 * Throws `BACKEND_UNAVAILABLE` listing all failures when none succeeds.
 */
export async function chooseBackend(factories: ReadonlyArray<BackendFactory | NamedBackendFactory>): Promise<ChosenBackend> {
  const skipped: SkippedBackend[] = [];
  for (const f of factories) {
    const name = typeof f === 'function' ? f.name || 'anonymous' : f.name;
    const create = typeof f === 'function' ? f : f.create;
    try {
      const backend = await create();
      return { backend, skipped };
    } catch (error) {
      const code = isDcError(error) ? error.code : 'ERROR';
      skipped.push({ name, code, message: error instanceof Error ? error.message : String(error), error });
    }
  }
  const list = skipped.map((s) => `${s.name}: ${s.message}`).join('; ');
  throw new DcError('BACKEND_UNAVAILABLE', `no backend could be created (${list || 'the list was empty'})`, {
    hint: 'Install one of the backend packages named above, or add createCpuBackend (no dependencies) to the list.',
    cause: skipped[skipped.length - 1]?.error,
  });
}
